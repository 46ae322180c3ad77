"""Permission matrix: every page × every role → expected status (NetBox ViewTestCases style)."""

import pytest

ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]

# url template, {role: expected status}; anonymous users are redirected to the login page.
MATRIX = [
    ("/healthz", dict.fromkeys(ROLES, 200)),
    ("/login/", dict.fromkeys(ROLES, 200)),
    ("/", {"anonymous": 302, "nobody": 200, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/accounts/", {"anonymous": 302, "nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/accounts/{uid}/", {"anonymous": 302, "nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/accounts/identities/{identity}/reveal/", {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 403, "admin_user": 200}),
    ("/records/audit/", {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/accounts/does-not-exist/", {"anonymous": 302, "nobody": 403, "moderator": 404, "supervisor": 404, "auditor": 404, "admin_user": 404}),
]


@pytest.fixture
def subject(make_account):
    account = make_account(uid="m1", mobile="13800138000")
    return {"uid": account.uid, "identity": account.identities.get().pk}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_matrix(request, login, subject, role, url, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = login(user).get(url.format(**subject))
    assert response.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302:
        assert response["Location"].startswith("/login/")


def test_reveal_post_needs_reason_and_is_recorded(login, supervisor, subject):
    from core.models import AuditEntry

    c = login(supervisor)
    url = f"/accounts/identities/{subject['identity']}/reveal/"
    r = c.post(url, {"reason": "x"})
    assert r.status_code == 200 and "+8613800138000" not in r.content.decode()
    assert not AuditEntry.objects.filter(event="identity.revealed").exists()
    r = c.post(url, {"reason": "投诉核查 #12"})
    assert "+8613800138000" in r.content.decode()
    assert AuditEntry.objects.get(event="identity.revealed").actor_label == "supervisor"


def test_moderator_cannot_post_reveal(login, moderator, subject):
    r = login(moderator).post(f"/accounts/identities/{subject['identity']}/reveal/", {"reason": "看看而已啊"})
    assert r.status_code == 403


def test_media_for_staff_only(login, moderator, nobody, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n0000")
    assert login(None).get("/media/images/a.png").status_code == 302
    assert login(nobody).get("/media/images/a.png").status_code == 403
    r = login(moderator).get("/media/images/a.png")
    assert r.status_code == 200 and r["Cache-Control"].startswith("private")
    assert login(moderator).get("/media/../../etc/passwd").status_code in (400, 404)
