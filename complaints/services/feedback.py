"""Feedback (反馈) and closing: the standard outcome texts, telling the complainant the result on
the status page and as a notice, answering merged duplicates with the same text, and filing away
answered complaints together with their duplicates.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints import webhooks
from complaints.choices import ComplaintSource, ComplaintStatus, NoticeChannel
from complaints.models import ComplainantNotice, Complaint
from complaints.services.deadlines import _set_clock
from complaints.services.guards import _ensure_can_act, _lock, _transition
from core import workdays
from core.audit import record
from core.errors import ServiceError
from core.jobs import enqueue

OUTCOME_VIOLATION = "经核查，被投诉账号的账号信息存在违反《互联网用户账号信息管理规定》的情形，平台已依法依约采取处置措施。感谢您的监督。"
OUTCOME_NO_VIOLATION = "经核查，暂未发现被投诉账号的账号信息存在您反映的违规情形。如有新的证据，欢迎再次投诉。"
OUTCOME_HANDLED = "您的投诉已处理完毕。感谢您的监督。"


def _record_feedback(complaint: Complaint, outcome: str, now) -> None:
    cal = workdays.calendar()
    complaint.outcome = outcome[:2000]
    complaint.feedback_sent_at = now
    complaint.feedback_on_time = now <= complaint.feedback_due_at
    elapsed = workdays.working_days_between(complaint.received_at, now, cal=cal)
    complaint.feedback_working_days = max(0, elapsed - complaint.paused_working_days)


def _propagate_feedback(actor, primary: Complaint, now) -> None:
    """Merged duplicates get the same answer as the complaint they were merged into."""
    for child in Complaint.objects.select_for_update(of=("self",)).filter(merged_into=primary, status=ComplaintStatus.MERGED):
        old = _transition(child, ComplaintStatus.FEEDBACK_SENT)
        _record_feedback(child, primary.outcome, now)
        _set_clock(child, now)
        child.save()
        record("complaint.feedback_sent", actor=actor, subject=child, old={"status": old},
               new={"status": child.status, "via_id": primary.pk, "on_time": child.feedback_on_time})
        _queue_notices(child)


def _queue_notices(complaint: Complaint) -> None:
    channels = []
    if complaint.source == ComplaintSource.API and complaint.api_client_id:
        channels.append(NoticeChannel.PLATFORM)
    if complaint.contact_encrypted:
        channels.append(NoticeChannel.CONTACT)
    for channel in channels:
        notice = ComplainantNotice.objects.create(complaint=complaint, channel=channel, body=complaint.outcome)
        if channel == NoticeChannel.PLATFORM:
            webhooks.feedback_sent(notice)  # a signed webhook event, retried by core.webhooks
        else:
            enqueue("complaints.jobs.deliver_notice", notice.pk, queue="default", retry=(60, 300, 1800))


@transaction.atomic
def complaint_send_feedback(*, actor, complaint: Complaint, outcome: str, force: bool = False) -> Complaint:
    """Tell the complainant the result (Art 19: 反馈) on the status page and, where possible, as a
    notice; merged duplicates get the same answer."""
    outcome = (outcome or "").strip()
    if len(outcome) < 4:
        raise ServiceError("请填写向投诉人反馈的处理结果（至少 4 个字）", field="outcome")
    complaint = _lock(complaint)
    if not force:
        _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.FEEDBACK_SENT)
    now = timezone.now()
    _record_feedback(complaint, outcome, now)
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.feedback_sent", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "on_time": complaint.feedback_on_time,
                "working_days": complaint.feedback_working_days})
    _propagate_feedback(actor, complaint, now)
    _queue_notices(complaint)
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint) -> Complaint:
    """File away an answered (or not accepted) complaint; merged duplicates close with it."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.CLOSED)
    now = timezone.now()
    complaint.closed_at = now
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.closed", actor=actor, subject=complaint, old={"status": old}, new={"status": ComplaintStatus.CLOSED})
    for child in Complaint.objects.select_for_update(of=("self",)).filter(
            merged_into=complaint, status=ComplaintStatus.FEEDBACK_SENT):
        child_old = _transition(child, ComplaintStatus.CLOSED)
        child.closed_at = now
        child.save(update_fields=["status", "closed_at"])
        record("complaint.closed", actor=actor, subject=child, old={"status": child_old},
               new={"status": ComplaintStatus.CLOSED, "via_id": complaint.pk})
    return complaint
