"""The complaint lifecycle: every transition, the illegal ones refused, the clock (pause/resume),
duplicates merged, feedback reaching merged complainants, and one audit entry per service."""

import datetime as dt

import pytest

from complaints import services
from complaints.choices import TRANSITIONS, ComplaintStatus
from complaints.models import ComplainantNotice, Complaint
from core.errors import ServiceError
from core.models import AuditEntry
from tests.complaints.conftest import decide_linked_case


def events(complaint):
    return list(AuditEntry.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk))
                .order_by("id").values_list("event", flat=True))


def test_happy_path_with_audit_entries(target, file_complaint, moderator):
    c = file_complaint(contact="13800138000")
    assert c.status == ComplaintStatus.RECEIVED and c.account == target and c.next_due_at == c.accept_due_at
    c = services.complaint_claim(actor=moderator, complaint=c)
    c = services.complaint_accept(actor=moderator, complaint=c)
    assert c.accept_on_time is True and c.next_due_at == c.feedback_due_at
    c = services.complaint_start_screening(actor=moderator, complaint=c)
    c = services.complaint_screen(actor=moderator, complaint=c, result="valid", note="头像确为国徽")
    assert c.status == ComplaintStatus.WAITING_CASE  # the outcome comes from the review case (issue 14)
    from moderation import services as moderation_services
    from moderation.models import ReviewCase

    moderation_services.case_decide(actor=moderator, case=ReviewCase.objects.get(pk=c.review_case_id),
                                    decision="measure", articles=["8.2"], reason="假冒政府机关",
                                    measure={"kind": "warning"})
    c.refresh_from_db()
    assert c.outcome == services.OUTCOME_VIOLATION
    assert c.status == ComplaintStatus.FEEDBACK_SENT and c.feedback_on_time is True and c.next_due_at is None
    assert c.feedback_working_days is not None
    c = services.complaint_close(actor=moderator, complaint=c)
    assert c.status == ComplaintStatus.CLOSED
    assert events(c)[:1] == ["complaint.received"]
    assert {"complaint.claimed", "complaint.accepted", "complaint.screening_started", "complaint.screened",
            "complaint.feedback_sent", "complaint.closed"} <= set(events(c))
    # contact given → a notice; no gateway here, so it waits visibly
    notice = ComplainantNotice.objects.get(complaint=c)
    assert notice.channel == "contact" and notice.status in ("pending", "no_gateway")


def test_received_entry_has_no_personal_data(target, file_complaint):
    c = file_complaint(contact="13800138000", ip="203.0.113.9")
    entry = AuditEntry.objects.get(event="complaint.received", subject_id=str(c.pk))
    text = str(entry.new) + entry.subject_label
    assert "13800138000" not in text and "203.0.113.9" not in text
    assert c.contact_masked == "138****8000" and "13800138000" not in c.contact_encrypted
    assert c.reporter_ip_hash and "203.0.113.9" not in c.reporter_ip_hash


# Service → the status it moves to (None: checked differently)
OPS = {
    "accept": (ComplaintStatus.ACCEPTED, lambda c, u: services.complaint_accept(actor=u, complaint=c)),
    "reject": (ComplaintStatus.REJECTED, lambda c, u: services.complaint_reject(actor=u, complaint=c, reason="不属于账号信息问题")),
    "screen_start": (ComplaintStatus.SCREENING, lambda c, u: services.complaint_start_screening(actor=u, complaint=c)),
    "feedback": (ComplaintStatus.FEEDBACK_SENT, lambda c, u: services.complaint_send_feedback(actor=u, complaint=c, outcome="已处理完毕")),
    "close": (ComplaintStatus.CLOSED, lambda c, u: services.complaint_close(actor=u, complaint=c)),
    "request_info": (ComplaintStatus.WAITING, lambda c, u: services.complaint_request_info(actor=u, complaint=c, question="请补充截图")),
}


@pytest.mark.parametrize("status", list(ComplaintStatus))
@pytest.mark.parametrize("op", list(OPS))
def test_transition_table(target, file_complaint, moderator, status, op):
    c = file_complaint()
    Complaint.objects.filter(pk=c.pk).update(status=status, resume_status=ComplaintStatus.ACCEPTED if status == ComplaintStatus.WAITING else "")
    c.refresh_from_db()
    new_status, fn = OPS[op]
    allowed = new_status in TRANSITIONS[status]
    before = AuditEntry.objects.count()
    if allowed:
        assert fn(c, moderator).status == new_status
        assert AuditEntry.objects.count() > before
    else:
        with pytest.raises(ServiceError) as exc:
            fn(c, moderator)
        assert exc.value.code == "illegal_transition" and exc.value.status == 409
        c.refresh_from_db()
        assert c.status == status and AuditEntry.objects.count() == before


@pytest.mark.parametrize("status", [s for s in ComplaintStatus if s != ComplaintStatus.SCREENING])
def test_screen_only_while_screening(target, file_complaint, moderator, status):
    c = file_complaint()
    Complaint.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.complaint_screen(actor=moderator, complaint=c, result="valid")
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("status", [s for s in ComplaintStatus if s != ComplaintStatus.WAITING])
def test_resume_only_while_waiting(target, file_complaint, moderator, status):
    c = file_complaint()
    Complaint.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    with pytest.raises(ServiceError):
        services.complaint_resume(actor=moderator, complaint=c)


def test_screen_invalid_sends_feedback(target, file_complaint, moderator):
    c = file_complaint()
    c = services.complaint_accept(actor=moderator, complaint=c)
    c = services.complaint_start_screening(actor=moderator, complaint=c)
    c = services.complaint_screen(actor=moderator, complaint=c, result="invalid")
    assert c.status == ComplaintStatus.FEEDBACK_SENT and c.outcome == services.OUTCOME_NO_VIOLATION


def test_reject_needs_reason_and_answers(target, file_complaint, moderator):
    c = file_complaint()
    with pytest.raises(ServiceError) as exc:
        services.complaint_reject(actor=moderator, complaint=c, reason="")
    assert exc.value.field == "reason"
    c = services.complaint_reject(actor=moderator, complaint=c, reason="未提供被投诉账号的有效信息")
    assert c.status == ComplaintStatus.REJECTED and "未提供" in c.outcome and c.feedback_sent_at


def test_claimed_by_someone_else(target, file_complaint, moderator, moderator2, supervisor):
    c = file_complaint()
    services.complaint_claim(actor=moderator, complaint=c)
    with pytest.raises(ServiceError) as exc:
        services.complaint_accept(actor=moderator2, complaint=c)
    assert exc.value.code == "claimed_by_other"
    with pytest.raises(ServiceError):
        services.complaint_claim(actor=moderator2, complaint=c)
    assert services.complaint_accept(actor=supervisor, complaint=c).status == ComplaintStatus.ACCEPTED  # supervisor steps in


def test_claim_next_takes_most_urgent_and_skips_bad_faith(make_account, file_complaint, moderator, supervisor, freeze):
    make_account(uid="t2")
    make_account(uid="t3")
    freeze(2026, 11, 2, 10, 0)
    late = file_complaint(target="t2", ip="198.51.100.1")
    freeze(2026, 11, 3, 10, 0)
    services.complaint_mark_bad_faith(actor=supervisor, complaint=late, reason="反复恶意投诉")
    later = file_complaint(target="t3", category="8.4")
    freeze(2026, 11, 3, 11, 0)
    assert services.complaint_claim_next(actor=moderator) == later
    assert services.complaint_claim_next(actor=moderator) == late
    assert services.complaint_claim_next(actor=moderator) is None


# ---------------------------------------------------------------------------------------------
# The clock


def test_deadlines_over_national_day(target, file_complaint, freeze):
    freeze(2026, 9, 30, 16, 0)
    c = file_complaint()
    assert c.accept_due_at.date() == dt.date(2026, 10, 8) or c.accept_due_at.astimezone(
        c.accept_due_at.tzinfo).date() == dt.date(2026, 10, 8)
    assert c.accept_due_at.isoformat().startswith("2026-10-08T23:59:59")
    assert c.feedback_due_at.isoformat().startswith("2026-10-27T23:59:59")
    assert c.calendar_warning == ""


def test_deadline_into_2027_is_provisional_until_the_year_is_confirmed(target, file_complaint, freeze, supervisor):
    freeze(2026, 12, 24, 9, 0)
    c = file_complaint()
    # New Year's Day 2027 is a statutory holiday before any notice is entered (issue 19)
    assert c.feedback_due_at.isoformat().startswith("2027-01-15")
    assert c.calendar_warning == "2027"
    from core import holidays

    holidays.holiday_set(actor=supervisor, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    c2 = file_complaint(target="https://example.com/u/someone-else")
    # one entered date does not make the year final (issue 14, bug 5)
    assert c2.feedback_due_at.isoformat().startswith("2027-01-15") and c2.calendar_warning == "2027"


def test_pause_and_resume_moves_deadlines(target, file_complaint, moderator, freeze):
    freeze(2026, 11, 2, 9, 0)  # Monday
    c = file_complaint()
    assert c.feedback_due_at.isoformat().startswith("2026-11-23")
    c = services.complaint_accept(actor=moderator, complaint=c)
    freeze(2026, 11, 4, 10, 0)  # Wednesday
    c = services.complaint_request_info(actor=moderator, complaint=c, question="请提供冒用您名义的截图")
    assert c.status == ComplaintStatus.WAITING and c.next_due_at is None and c.resume_status == ComplaintStatus.ACCEPTED
    freeze(2026, 11, 9, 15, 0)  # next Monday: Thu, Fri, Mon = 3 working days waited
    c = services.complaint_resume(actor=None, complaint=c, reply="截图已补充")
    assert c.status == ComplaintStatus.ACCEPTED and c.paused_working_days == 3
    assert c.feedback_due_at.isoformat().startswith("2026-11-26")
    assert c.next_due_at == c.feedback_due_at and "截图已补充" in c.complainant_reply
    assert events(c)[-1] == "complaint.resumed"


def test_pause_before_acceptance_moves_both_deadlines(target, file_complaint, moderator, freeze):
    freeze(2026, 11, 2, 9, 0)
    c = file_complaint()
    c = services.complaint_request_info(actor=moderator, complaint=c, question="请说明被投诉账号")
    freeze(2026, 11, 3, 9, 0)
    c = services.complaint_resume(actor=moderator, complaint=c)
    assert c.status == ComplaintStatus.RECEIVED and c.paused_working_days == 1
    assert c.accept_due_at.isoformat().startswith("2026-11-04")
    assert c.next_due_at == c.accept_due_at


def test_same_day_resume_moves_nothing(target, file_complaint, moderator, freeze):
    freeze(2026, 11, 2, 9, 0)
    c = file_complaint()
    due = c.feedback_due_at
    c = services.complaint_request_info(actor=moderator, complaint=c, question="请补充截图")
    freeze(2026, 11, 2, 17, 0)
    c = services.complaint_resume(actor=None, complaint=c)
    assert c.feedback_due_at == due and c.paused_working_days == 0


def test_late_acceptance_is_recorded(target, file_complaint, moderator, freeze):
    freeze(2026, 11, 2, 9, 0)
    c = file_complaint()
    freeze(2026, 11, 4, 9, 0)
    c = services.complaint_accept(actor=moderator, complaint=c)
    assert c.accept_on_time is False


# ---------------------------------------------------------------------------------------------
# Duplicates


def test_duplicates_merge_and_all_complainants_get_feedback(target, file_complaint, moderator):
    first = file_complaint(contact="first@example.com")
    second = file_complaint(description="这个账号冒充市政府，请处理。", contact="13900139000")
    third = file_complaint(target="https://weibo.example.com/u/t1?from=share")  # link resolves to the same uid
    other_category = file_complaint(category="8.6")
    assert second.status == ComplaintStatus.MERGED and second.merged_into == first
    assert third.status == ComplaintStatus.MERGED and third.merged_into == first
    assert other_category.status == ComplaintStatus.RECEIVED
    first.refresh_from_db()
    assert first.report_count == 3
    assert second.tracking_code != first.tracking_code
    assert "complaint.merged" in events(second)
    first = services.complaint_accept(actor=moderator, complaint=first)
    first = services.complaint_start_screening(actor=moderator, complaint=first)
    first = services.complaint_screen(actor=moderator, complaint=first, result="valid")
    first = decide_linked_case(first, moderator)
    for dup in (second, third):
        dup.refresh_from_db()
        assert dup.status == ComplaintStatus.FEEDBACK_SENT and dup.outcome == services.OUTCOME_VIOLATION
    assert ComplainantNotice.objects.filter(complaint=second).exists()
    services.complaint_close(actor=moderator, complaint=first)
    second.refresh_from_db()
    assert second.status == ComplaintStatus.CLOSED


def test_duplicate_window(target, file_complaint, freeze, settings):
    settings.COMPLAINTS_DUPLICATE_WINDOW_DAYS = 7
    freeze(2026, 11, 2, 9, 0)
    first = file_complaint()
    freeze(2026, 11, 10, 9, 0)
    later = file_complaint()
    assert later.status == ComplaintStatus.RECEIVED and later.merged_into is None and first.pk != later.pk


def test_no_merge_into_finished(target, file_complaint, moderator):
    first = file_complaint()
    services.complaint_reject(actor=moderator, complaint=first, reason="信息不全无法核实")
    again = file_complaint()
    assert again.status == ComplaintStatus.RECEIVED


def test_manual_merge_and_screening_duplicate(make_account, file_complaint, moderator):
    make_account(uid="t9")
    a = file_complaint(target="t9", category="8.4")
    b = file_complaint(target="https://example.com/profile/someone", category="8.4")
    b = services.complaint_accept(actor=moderator, complaint=b)
    b = services.complaint_start_screening(actor=moderator, complaint=b)
    with pytest.raises(ServiceError):
        services.complaint_screen(actor=moderator, complaint=b, result="duplicate")
    b = services.complaint_screen(actor=moderator, complaint=b, result="duplicate", duplicate_of=a)
    assert b.status == ComplaintStatus.MERGED and b.merged_into == a
    with pytest.raises(ServiceError) as exc:
        services.complaint_merge(actor=moderator, complaint=a, into=a)
    assert exc.value.code in ("merge_self", "illegal_transition")


# ---------------------------------------------------------------------------------------------
# Bad faith, contact, policies, alerts


def test_bad_faith_deprioritises_future_complaints(target, make_account, file_complaint, supervisor):
    make_account(uid="t5")
    c = file_complaint(contact="13700137000", ip="198.51.100.7")
    open_other = file_complaint(target="t5", category="8.6", ip="198.51.100.7")
    services.complaint_mark_bad_faith(actor=supervisor, complaint=c, reason="批量恶意投诉同一账号")
    open_other.refresh_from_db()
    assert open_other.deprioritised
    later = file_complaint(target="t5", category="8.7", contact="137 0013 7000")
    assert later.deprioritised and later.status == ComplaintStatus.RECEIVED
    assert "complaint.bad_faith_marked" in events(c)


def test_reveal_contact_is_recorded(target, file_complaint, supervisor, moderator):
    c = file_complaint(contact="someone@example.com")
    assert c.contact_masked == "s***@example.com"
    with pytest.raises(ServiceError):
        services.complaint_reveal_contact(actor=moderator, complaint=c, purpose="contact", reason="联系投诉人核实处理结果")
    assert services.complaint_reveal_contact(actor=supervisor, complaint=c, purpose="contact", reason="联系投诉人核实处理结果") == "someone@example.com"
    assert "complaint.contact_revealed" in events(c)


def test_bad_contact_refused(target, file_complaint):
    with pytest.raises(ServiceError) as exc:
        file_complaint(contact="加我微信 abc")
    assert exc.value.field == "contact"


def test_policy_update_applies_to_new_complaints(target, file_complaint, supervisor, freeze):
    from complaints.models import SlaPolicy

    assert SlaPolicy.objects.get(category="8.2").feedback_days == 15  # the data migration's default
    with pytest.raises(ServiceError):
        services.sla_policy_update(actor=supervisor, category="8.2", accept_days=1, feedback_days=20)
    services.sla_policy_update(actor=supervisor, category="8.2", accept_days=1, feedback_days=5)
    freeze(2026, 11, 2, 9, 0)
    c = file_complaint()
    assert c.feedback_days == 5 and c.feedback_due_at.isoformat().startswith("2026-11-09")
    assert AuditEntry.objects.filter(event="sla_policy.updated").count() == 1


def test_sweep_flags_alerts_and_is_idempotent(target, make_account, file_complaint, freeze, moderator):
    from complaints import jobs
    from complaints.models import SlaAlert

    make_account(uid="t6")
    freeze(2026, 11, 2, 9, 0)  # Monday
    c = file_complaint()
    soon = file_complaint(target="t6")
    services.complaint_accept(actor=moderator, complaint=soon)
    freeze(2026, 11, 4, 9, 0)  # accept deadline (Tue) has passed
    counts = jobs.sweep_deadlines()
    c.refresh_from_db()
    assert c.sla_flag == "overdue" and counts.get("overdue") == 1
    alert = SlaAlert.objects.get(complaint=c)
    assert alert.deadline == "accept" and alert.level == "overdue"
    assert jobs.sweep_deadlines() == {}  # nothing changed
    assert SlaAlert.objects.count() == 1
    freeze(2026, 11, 20, 9, 0)  # the feedback deadline of `soon` (11-23) is the next working day
    jobs.sweep_deadlines()
    soon.refresh_from_db()
    assert soon.sla_flag == "due_soon"
    assert "complaint.sla_flagged" in events(c)


def test_sweep_closes_old_answered_complaints(target, file_complaint, moderator, freeze):
    from complaints import jobs

    freeze(2026, 11, 2, 9, 0)
    c = services.complaint_reject(actor=moderator, complaint=file_complaint(), reason="信息不全无法核实")
    freeze(2026, 11, 20, 9, 0)
    jobs.sweep_deadlines()
    c.refresh_from_db()
    assert c.status == ComplaintStatus.CLOSED


def test_unknown_target_is_kept_as_text(file_complaint):
    c = file_complaint(target="https://example.com/u/不存在的人")
    assert c.account is None and c.target_text.endswith("不存在的人")
