"""Permission matrix of the pages added for issue 15 (appeals, credit policy, platform rules)."""

import pytest

ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]
STAFF = {"anonymous": 302, "nobody": 403}

MATRIX = [
    ("/appeals/", {**STAFF, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/appeals/figures/", {**STAFF, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/moderation/credit/policy/", {**STAFF, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/accounts/rules/", {**STAFF, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/platform-rules/", dict.fromkeys(ROLES, 200)),
    ("/moderation/public/credit-policy/", dict.fromkeys(ROLES, 200)),
    ("/appeals/public/not-a-token/", dict.fromkeys(ROLES, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_matrix(request, db, login, role, url, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = login(user).get(url)
    assert response.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302:
        assert response["Location"].startswith("/login/")


def test_only_an_independent_supervisor_posts_a_decision(db, login, moderator, auditor, make_account, supervisor):
    from appeals.services.filing import AppealInput, appeal_file
    from moderation.services.measures import measure_apply

    account = make_account(uid="pm1")
    m = measure_apply(actor=supervisor, account=account, kind="warning", legal_basis=["8.7"], reason="警示")
    appeal = appeal_file(actor=None, data=AppealInput(uid="pm1", measure_id=m.pk, statement="请复核这项警示。"))
    data = {"outcome": "lifted", "articles": ["8.7"], "reason": "撤销"}
    assert login(moderator).post(f"/appeals/{appeal.pk}/", data).status_code == 403
    assert login(auditor).post(f"/appeals/{appeal.pk}/", data).status_code == 403
    r = login(supervisor).post(f"/appeals/{appeal.pk}/", data)
    assert r.status_code == 403 and "另一位审核主管" in r.content.decode()
    assert login(moderator).post("/appeals/claim-next/").status_code == 403
