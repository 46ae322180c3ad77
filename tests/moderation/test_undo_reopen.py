"""Undo, reopen and decide-and-next (issue 14): a decision can be taken back by its decider within
the undo window (reversed cleanly, both audited); a supervisor reopens a decided case with a
reason; deciding goes on to the next case by default."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Account
from core.errors import ServiceError
from core.models import AuditEntry
from moderation import services
from moderation.choices import CaseStatus, MeasureState
from moderation.models import Measure, ReviewCase, Submission


@pytest.fixture
def complaint_case(make_account):
    account = make_account(uid="ud1")
    return services.case_open(actor=None, account=account, reason="complaint", source="test:1")


def _decide_measure(client, case, **extra):
    return client.post(f"/moderation/cases/{case.pk}/decide/", {
        "decision": "measure", "articles": ["8.6"], "reason": "简介夹带联系方式", "measure_kind": "warning", **extra})


def test_undo_link_reverses_a_measure_cleanly(login, moderator, complaint_case):
    c = login(moderator)
    score = Account.objects.get(uid="ud1").credit_score
    r = _decide_measure(c, complaint_case, next="")
    html = c.get(r["Location"]).content.decode()
    assert f'action="/moderation/cases/{complaint_case.pk}/undo/"' in html and "撤销" in html
    assert Account.objects.get(uid="ud1").credit_score < score
    r = c.post(f"/moderation/cases/{complaint_case.pk}/undo/")
    assert r.status_code == 302
    complaint_case.refresh_from_db()
    assert complaint_case.status == CaseStatus.CLAIMED and complaint_case.assignee == moderator
    assert complaint_case.decision == ""
    assert Measure.objects.get(case=complaint_case, action="apply").state == MeasureState.LIFTED
    assert Account.objects.get(uid="ud1").credit_score == score
    events = list(AuditEntry.objects.filter(subject_id=str(complaint_case.pk), subject_type="moderation.reviewcase")
                  .values_list("event", flat=True))
    assert "case.decided" in events and "case.decision_undone" in events
    # decided again afterwards, as normal
    assert _decide_measure(c, complaint_case).status_code == 302


def test_undo_window_and_only_the_decider(login, moderator, moderator2, complaint_case, settings):
    services.case_decide(actor=moderator, case=complaint_case, decision="no_action")
    with pytest.raises(ServiceError):
        services.case_undo_decision(actor=moderator2, case=complaint_case)
    ReviewCase.objects.filter(pk=complaint_case.pk).update(decided_at=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(ServiceError) as exc:
        services.case_undo_decision(actor=moderator, case=complaint_case)
    assert exc.value.code == "undo_expired"


def test_undo_returns_refused_submissions_to_waiting(submit, moderator):
    status, body = submit("ud2", {"name": "王医生"})
    case = ReviewCase.objects.get(pk=body["case_id"])
    services.case_decide(actor=moderator, case=case, decision="reject", articles=["11"], reason="未提供资质")
    assert Submission.objects.get(case=case).status == "refused"
    services.case_undo_decision(actor=moderator, case=case)
    assert Submission.objects.get(case=case).status == "pending"


def test_supervisor_reopens_with_a_reason(login, supervisor, moderator, complaint_case):
    services.case_decide(actor=moderator, case=complaint_case, decision="no_action")
    assert login(moderator).post(f"/moderation/cases/{complaint_case.pk}/reopen/",
                                 {"reason": "发现新的证据"}).status_code == 403
    c = login(supervisor)
    c.post(f"/moderation/cases/{complaint_case.pk}/reopen/", {"reason": "短"})
    complaint_case.refresh_from_db()
    assert complaint_case.status == CaseStatus.DECIDED  # too short a reason: nothing changed
    c.post(f"/moderation/cases/{complaint_case.pk}/reopen/", {"reason": "发现新的证据"})
    complaint_case.refresh_from_db()
    assert complaint_case.status == CaseStatus.OPEN
    entry = AuditEntry.objects.get(event="case.reopened")
    assert entry.new["reason"] == "发现新的证据" and entry.old["decision"] == "no_action"


def test_decide_goes_to_the_next_case_by_default(login, moderator, make_account):
    a = services.case_open(actor=None, account=make_account(uid="nx1"), reason="complaint", source="t:1")
    b = services.case_open(actor=None, account=make_account(uid="nx2"), reason="complaint", source="t:2")
    c = login(moderator)
    html = c.get(f"/moderation/cases/{a.pk}/").content.decode()
    assert 'name="next" value="1" checked' in html
    r = c.post(f"/moderation/cases/{a.pk}/decide/", {"decision": "no_action", "next": "1"})
    assert r.status_code == 302 and r["Location"] == f"/moderation/cases/{b.pk}/"
    b.refresh_from_db()
    assert b.status == CaseStatus.CLAIMED and b.assignee == moderator


def test_final_actions_ask_for_confirmation(login, supervisor, supervisor2, make_account):
    account = make_account(uid="cf1")
    services.measure_apply(actor=supervisor, account=account, kind="close", legal_basis=["8.2"], reason="冒充政府机关")
    html = login(supervisor2).get("/moderation/measures/pending/").content.decode()
    assert "data-confirm=" in html
