"""Permission matrix of the moderation pages: every URL × every role → expected status."""

import pytest

from moderation import services
from moderation.choices import MeasureKind
from moderation.models import PauseSwitch, ReasonTemplate, RuleTerm

ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]


def _all(code, **overrides):
    return {"anonymous": 302, "nobody": 403, "moderator": code, "supervisor": code, "auditor": code,
            "admin_user": code, **overrides}


VIEW = _all(200)
SUPERVISOR_ONLY = _all(200, moderator=403, auditor=403)
DECIDERS = _all(200, auditor=403)

GET_MATRIX = [
    ("/moderation/cases/", VIEW),
    ("/moderation/cases/?reason=change&due=overdue&article=8.6&assignee=me&age=old&priority_min=1", VIEW),
    ("/moderation/cases/mine/", VIEW),
    ("/moderation/cases/{case}/", VIEW),
    ("/moderation/cases/999999/", _all(404)),
    ("/moderation/measures/", VIEW),
    ("/moderation/measures/?kind=close&state=pending_approval&reportable=true", VIEW),
    ("/moderation/measures/pending/", SUPERVISOR_ONLY),
    ("/moderation/accounts/{uid}/measures/new/", DECIDERS),
    ("/moderation/measures/{measure}/lift/", DECIDERS),
    ("/moderation/pauses/", VIEW),
    ("/moderation/rules/", VIEW),
    ("/moderation/rules/try/?name=测试", VIEW),
    ("/moderation/rules/new/", SUPERVISOR_ONLY),
    ("/moderation/rules/{term}/edit/", SUPERVISOR_ONLY),
    ("/moderation/rules/reasons/", VIEW),
    ("/moderation/rules/reasons/new/", SUPERVISOR_ONLY),
    ("/moderation/rules/reasons/{reason}/edit/", SUPERVISOR_ONLY),
]

# POSTs that change something: the status a role gets (302 = done or refused with a message).
POST_MATRIX = [
    ("/moderation/cases/claim-next/", {}, DECIDERS | {"moderator": 302, "supervisor": 302, "admin_user": 302}),
    ("/moderation/cases/{case}/claim/", {}, DECIDERS | {"moderator": 302, "supervisor": 302, "admin_user": 302}),
    ("/moderation/cases/{case}/release/", {}, DECIDERS | {"moderator": 302, "supervisor": 302, "admin_user": 302}),
    ("/moderation/cases/{case}/notes/", {"text": "备注"}, DECIDERS | {"moderator": 302, "supervisor": 302,
                                                                    "admin_user": 302}),
    ("/moderation/cases/{case}/reassign/", {}, SUPERVISOR_ONLY | {"supervisor": 422, "admin_user": 422}),
    ("/moderation/cases/{case}/decide/", {}, DECIDERS | {"moderator": 422, "supervisor": 422, "admin_user": 422}),
    ("/moderation/cases/bulk/", {}, DECIDERS | {"moderator": 302, "supervisor": 302, "admin_user": 302}),
    ("/moderation/measures/{measure}/approve/", {}, SUPERVISOR_ONLY | {"supervisor": 302, "admin_user": 302}),
    ("/moderation/measures/{measure}/refuse/", {}, SUPERVISOR_ONLY | {"supervisor": 422, "admin_user": 422}),
    ("/moderation/pauses/", {}, _all(403, supervisor=422, admin_user=422)),
    ("/moderation/pauses/{pause}/lift/", {}, SUPERVISOR_ONLY | {"supervisor": 302, "admin_user": 302}),
    ("/moderation/rules/{term}/toggle/", {}, SUPERVISOR_ONLY | {"supervisor": 302, "admin_user": 302}),
]


@pytest.fixture
def subject(make_account, supervisor2):
    account = make_account(uid="pm1", mobile="13800138000")
    case = services.case_open(actor=None, reason="change", source="test", account=account,
                              findings=[{"article": "8.6", "field": "name", "span": [0, 0], "rule": "t"}])
    measure = services.measure_apply(actor=supervisor2, account=account, kind=MeasureKind.WARNING, legal_basis=["8.6"],
                                     reason="联系方式")
    term = RuleTerm.objects.create(term="测试词", category="测试", article="8.8")
    reason = ReasonTemplate.objects.create(article="8.6", title="联系方式", text="含联系方式")
    pause = PauseSwitch.objects.create(scope="change", reason="维护")
    return {"uid": account.uid, "case": case.pk, "measure": measure.pk, "term": term.pk, "reason": reason.pk,
            "pause": pause.pk}


def _user(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
def test_get_matrix(request, login, subject, role, url, expected):
    response = login(_user(request, role)).get(url.format(**subject))
    assert response.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302:
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "data", "expected"), POST_MATRIX, ids=[m[0] for m in POST_MATRIX])
def test_post_matrix(request, login, subject, role, url, data, expected):
    response = login(_user(request, role)).post(url.format(**subject), data)
    assert response.status_code == expected[role], f"{role} POST {url}"
    if expected[role] == 302 and role == "anonymous":
        assert response["Location"].startswith("/login/")


def test_auditor_sees_no_decision_controls(login, auditor, subject):
    html = login(auditor).get(f"/moderation/cases/{subject['case']}/").content.decode()
    assert 'action="/moderation/cases/claim-next/"' not in html and 'id="decision-form"' not in html
    assert "添加备注" not in html
    assert 'data-testid="read-only"' in html and "审计员" in html  # the role, in words, in the header
    html = login(auditor).get("/moderation/cases/").content.decode()
    assert 'id="bulk-form"' not in html
