"""Permission matrix for every complaints URL × role, GET and the write actions."""

import pytest

from complaints import services

from .conftest import image_bytes

ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]
ALL = dict.fromkeys(ROLES, 200)
STAFF_VIEW = {"anonymous": 302, "nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}
SUPERVISOR_READ = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}
SUPERVISOR_ONLY = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 403, "admin_user": 200}

GET_MATRIX = [
    ("/complaints/public/", ALL),
    ("/complaints/public/status/", ALL),
    ("/complaints/public/process/", ALL),
    ("/complaints/", STAFF_VIEW),
    ("/complaints/{pk}/", STAFF_VIEW),
    ("/complaints/{pk}/evidence/{eid}/", STAFF_VIEW),
    ("/complaints/999999/", {**STAFF_VIEW, **{r: 404 for r in ("moderator", "supervisor", "auditor", "admin_user")}}),
    ("/complaints/metrics/", SUPERVISOR_READ),
    ("/complaints/policies/", SUPERVISOR_READ),
    # moved to core (tests/calendar/test_calendar_page.py); the old address redirects
    ("/complaints/calendar/", {"anonymous": 302, "nobody": 301, "moderator": 301, "supervisor": 301, "auditor": 301,
                               "admin_user": 301}),
    ("/complaints/alerts/", SUPERVISOR_READ),
    ("/complaints/{pk}/contact/", SUPERVISOR_ONLY),
]

HANDLE = {"anonymous": 302, "nobody": 403, "moderator": 302, "supervisor": 302, "auditor": 403, "admin_user": 302}
SUPERVISOR_WRITE = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 302, "auditor": 403, "admin_user": 302}

POST_MATRIX = [
    ("/complaints/{pk}/claim/", {}, HANDLE),
    ("/complaints/{pk}/accept/", {}, HANDLE),
    ("/complaints/claim-next/", {}, HANDLE),
    ("/complaints/{pk}/bad_faith/", {"badfaith-reason": "反复恶意投诉"},
     {**SUPERVISOR_WRITE}),
    ("/complaints/policies/", {"category": "8.1", "accept_days": 1, "feedback_days": 10}, SUPERVISOR_WRITE),
]


@pytest.fixture
def subject(target, file_complaint, supervisor):
    c = file_complaint(contact="13800138000", evidence=[image_bytes()])
    services.sla_policy_update(actor=supervisor, category="8.1", accept_days=1, feedback_days=15)
    return {"pk": c.pk, "eid": c.evidence.get().pk}


def _client(request, login, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    return login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
def test_get_matrix(request, login, subject, role, url, expected):
    r = _client(request, login, role).get(url.format(**subject))
    assert r.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302:
        assert r["Location"].startswith("/login/")
    if expected[role] == 301:
        assert r["Location"] == "/records/calendar/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "data", "expected"), POST_MATRIX, ids=[m[0] for m in POST_MATRIX])
def test_post_matrix(request, login, subject, role, url, data, expected):
    r = _client(request, login, role).post(url.format(**subject), data)
    assert r.status_code == expected[role], f"{role} POST {url}"
    if expected[role] == 302 and role == "anonymous":
        assert r["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["moderator", "supervisor", "auditor"])
def test_nav_entries(login, request, role):
    html = login(request.getfixturevalue(role)).get("/").content.decode()
    assert ('href="/complaints/"' in html) is True
    assert ('href="/complaints/metrics/"' in html) is (role != "moderator")


def test_dashboard_panels(login, supervisor, target, file_complaint):
    file_complaint()
    html = login(supervisor).get("/").content.decode()
    assert "逾期未办投诉" in html and "下一工作日内到期投诉" in html and "未读时限提醒" in html
