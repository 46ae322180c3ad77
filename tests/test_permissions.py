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
    r = c.post(url, {"purpose": "complaint", "reason": "投诉核查 #12，核对协查函"})
    assert "+8613800138000" in r.content.decode()
    assert AuditEntry.objects.get(event="identity.revealed").actor_label == "supervisor"


def test_moderator_cannot_post_reveal(login, moderator, subject):
    r = login(moderator).post(f"/accounts/identities/{subject['identity']}/reveal/", {"purpose": "other", "reason": "看看而已啊看看而已啊"})
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


# Public paths: anonymous requests reach them (never a redirect to the login page).
PUBLIC = [
    ("/healthz", 200),
    ("/login/", 200),
    ("/static/css/qinglang.css", 200),
    ("/favicon.ico", 404),  # no such file; the browser is not sent to the login page for it
    ("/api/v1/accounts/m1", 401),  # the API's own token auth answers
    ("/api/docs", 200),
    ("/i18n/setlang/?next=/complaints/public/", 302),
    ("/complaints/public/", 200),
    ("/complaints/public/status/", 200),
    ("/complaints/public/process/", 200),
    ("/admin/login/", 200),  # Django marks its admin login login_not_required
]


@pytest.mark.parametrize(("url", "expected"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_paths_need_no_login(login, subject, url, expected):
    response = login(None).get(url)
    assert response.status_code == expected, url
    assert not response.get("Location", "").startswith("/login/")


def test_login_not_required_views_are_public_without_their_prefix(db, login, settings):
    settings.PUBLIC_PATH_PREFIXES = ()
    anonymous = login(None)
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/complaints/public/process/").status_code == 200
    assert anonymous.get("/api/v1/accounts/m1").status_code == 302  # the API relies on its prefix
    assert anonymous.get("/accounts/").status_code == 302


def test_a_prefix_added_in_settings_is_public(login, subject, settings):
    settings.PUBLIC_PATH_PREFIXES = (*settings.PUBLIC_PATH_PREFIXES, "/accounts/")
    # No login redirect; the view's own permission check still refuses an anonymous visitor.
    assert login(None).get(f"/accounts/{subject['uid']}/").status_code == 403


def test_a_login_redirect_keeps_the_full_path(login):
    response = login(None).get("/accounts/?q=%E5%B0%8F%E7%8C%AB&page=2")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/accounts/%3Fq%3D%25E5%25B0%258F%25E7%258C%25AB%26page%3D2"
