"""The link to moderation: handling opens or joins the account's complaint review case, and a
decided case gives the linked complaints their feedback (without its details)."""

import pytest

from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from core.errors import ServiceError
from moderation import services as moderation_services


def _to_handling(complaint, user):
    complaint = services.complaint_accept(actor=user, complaint=complaint)
    complaint = services.complaint_start_screening(actor=user, complaint=complaint)
    return services.complaint_screen(actor=user, complaint=complaint, result="valid")


def test_handling_opens_then_joins_one_case(target, file_complaint, moderator):
    from moderation.models import ReviewCase

    a = _to_handling(file_complaint(), moderator)
    b = _to_handling(file_complaint(category="8.6", description="简介里有微信号引流。"), moderator)
    assert a.review_case_id and a.review_case_id == b.review_case_id
    case = ReviewCase.objects.get(pk=a.review_case_id)
    assert case.reason == "complaint" and case.account_id == target.pk
    assert {"8.2", "8.6"} <= set(case.articles)


@pytest.mark.parametrize(("decision", "extra", "outcome"), [
    ("measure", {"articles": ["8.2"], "reason": "假冒政府机关", "measure": {"kind": "warning"}},
     services.OUTCOME_VIOLATION),
    ("no_action", {}, services.OUTCOME_NO_VIOLATION),
])
def test_case_decision_sends_feedback(target, file_complaint, moderator, supervisor, decision, extra, outcome):
    from moderation.models import ReviewCase

    a = _to_handling(file_complaint(contact="13800138000"), moderator)
    dup = file_complaint(description="同样发现这个账号冒充政府。")
    assert dup.status == ComplaintStatus.MERGED
    case = ReviewCase.objects.get(pk=a.review_case_id)
    moderation_services.case_decide(actor=supervisor, case=case, decision=decision, **extra)
    a.refresh_from_db()
    dup.refresh_from_db()
    assert a.status == ComplaintStatus.FEEDBACK_SENT and a.outcome == outcome
    assert dup.status == ComplaintStatus.FEEDBACK_SENT and dup.outcome == outcome
    assert "假冒政府机关" not in a.outcome  # the decision's reason stays internal


def test_unknown_account_is_handled_by_hand(file_complaint, moderator):
    c = _to_handling(file_complaint(target="https://example.com/u/nobody-known"), moderator)
    assert c.status == ComplaintStatus.HANDLING and c.review_case_id is None
    with pytest.raises(ServiceError):
        services.complaint_link_case(actor=moderator, complaint=c)


def test_hook_ignores_complaints_not_in_handling(target, file_complaint, moderator):
    from moderation.models import ReviewCase

    c = _to_handling(file_complaint(), moderator)
    # the case closed without a decision: the complaint is answered by hand
    moderation_services.case_close(actor=moderator, case=ReviewCase.objects.get(pk=c.review_case_id),
                                   reason="已被取代")
    services.complaint_send_feedback(actor=moderator, complaint=c, outcome="已先行答复投诉人")

    class Case:
        pk = c.review_case_id
        decision = "reject"

    assert services.complaint_case_decided(case=Case(), actor=None) == []
    assert Complaint.objects.get(pk=c.pk).outcome == "已先行答复投诉人"


def test_case_and_account_pages_show_the_complaints(target, file_complaint, moderator, login):
    complaint = _to_handling(file_complaint(), moderator)
    c = login(moderator)
    html = c.get(f"/moderation/cases/{complaint.review_case_id}/").content.decode()
    assert complaint.tracking_code in html and "相关投诉举报" in html
    html = c.get(f"/accounts/{target.uid}/").content.decode()
    assert complaint.tracking_code in html


def test_complaint_waits_for_its_undecided_case(target, file_complaint, moderator, supervisor):
    """Issue 14: feedback stating an outcome cannot be sent while the linked case is undecided."""
    from moderation.models import ReviewCase

    c = _to_handling(file_complaint(), moderator)
    assert c.status == ComplaintStatus.WAITING_CASE
    with pytest.raises(ServiceError) as exc:
        services.complaint_send_feedback(actor=moderator, complaint=c, outcome=services.OUTCOME_VIOLATION)
    assert exc.value.code == "waiting_for_case"
    assert Complaint.objects.get(pk=c.pk).status == ComplaintStatus.WAITING_CASE
    case = ReviewCase.objects.get(pk=c.review_case_id)
    moderation_services.case_decide(actor=supervisor, case=case, decision="measure", articles=["8.2"],
                                    reason="假冒政府机关", measure={"kind": "warning"})
    c.refresh_from_db()
    assert c.status == ComplaintStatus.FEEDBACK_SENT and c.outcome == services.OUTCOME_VIOLATION


def test_complaint_page_links_the_case_and_case_page_shows_the_complaint(target, file_complaint, moderator, login):
    from complaints.models import ComplaintEvidence
    from tests.complaints.conftest import image_bytes

    complaint = _to_handling(file_complaint(description="这个账号冒充市政府发布通知。"), moderator)
    dup = file_complaint(description="重复：同样冒充市政府。", evidence=[image_bytes()])
    assert dup.status == ComplaintStatus.MERGED
    c = login(moderator)
    html = c.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/moderation/cases/{complaint.review_case_id}/"' in html
    assert 'data-testid="waiting-for-case"' in html
    html = c.get(f"/moderation/cases/{complaint.review_case_id}/").content.decode()
    top = html.index('id="complainants"')
    assert top < html.index('id="findings"')
    assert "这个账号冒充市政府发布通知。" in html and "重复：同样冒充市政府。" in html
    ev = ComplaintEvidence.objects.get(complaint=dup)
    assert f"/complaints/{dup.pk}/evidence/{ev.pk}/" in html  # evidence of the merged duplicate


def test_complaint_finding_reads_in_words(target, file_complaint, moderator, login):
    """Bug 3: a case opened from a complaint showed an empty field label and the raw category code."""
    complaint = _to_handling(file_complaint(category="8.4"), moderator)
    html = login(moderator).get(f"/moderation/cases/{complaint.review_case_id}/").content.decode()
    findings = html[html.index('id="findings"'):]
    findings = findings[:findings.index("</section>")]
    assert "用户投诉" in findings
    assert '<span class="mono">8.4</span>' not in findings and "complaint.8.4" not in findings
    assert "<br>\n        ：" not in findings  # no empty label before the colon
