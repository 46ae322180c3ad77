"""Feedback (反馈) and closing: the standard outcome texts, telling the complainant the result on
the status page and as a notice, answering merged duplicates with the same text, and filing away
answered complaints together with their duplicates.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from complaints import webhooks
from complaints.choices import ComplaintSource, ComplaintStatus, NoticeChannel
from complaints.models import ComplainantNotice, Complaint
from complaints.services.guards import HANDLE, case_is_open, change_status, require_actor
from core import workdays
from core.errors import ServiceError
from core.jobs import enqueue

# What the complainant reads. Kept in Chinese whatever the language of the staff user who sends
# it: it is stored as the answer (status page, notices), not a screen label.
OUTCOME_VIOLATION = "经核查，被投诉账号的账号信息存在违反《互联网用户账号信息管理规定》的情形，平台已依法依约采取处置措施。感谢您的监督。"
OUTCOME_NO_VIOLATION = "经核查，暂未发现被投诉账号的账号信息存在您反映的违规情形。如有新的证据，欢迎再次投诉。"
OUTCOME_HANDLED = "您的投诉已处理完毕。感谢您的监督。"


def record_feedback(complaint: Complaint, outcome: str, now) -> None:
    """Set the answer and its timing: sent now, on time or not, working days taken (pauses excluded)."""
    cal = workdays.calendar()
    complaint.outcome = outcome[:2000]
    complaint.feedback_sent_at = now
    complaint.feedback_on_time = now <= complaint.feedback_due_at
    elapsed = workdays.working_days_between(complaint.received_at, now, cal=cal)
    complaint.feedback_working_days = max(0, elapsed - complaint.paused_working_days)


def propagate_feedback(actor, primary: Complaint) -> None:
    """Merged duplicates get the same answer as the complaint they were merged into."""
    def answered(child, old, now):
        record_feedback(child, primary.outcome, now)
        return {"via_id": primary.pk, "on_time": child.feedback_on_time}

    for child in Complaint.objects.select_for_update(of=("self",)).filter(
            merged_into=primary, status=ComplaintStatus.MERGED):
        change_status(actor, child, ComplaintStatus.FEEDBACK_SENT, "complaint.feedback_sent", answered,
                       guard=False, locked=True)
        queue_notices(child)


def queue_notices(complaint: Complaint) -> None:
    """Queue the answer to the complainant: back through the forwarding platform, and to their contact."""
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


def answer_complainant(actor, complaint: Complaint, outcome: str, *, guard: bool) -> Complaint:
    """The feedback step itself, for a staff user (``guard``: the assignee rule) or for a
    decided review case (no guard: the case's decision is the outcome, whoever claimed it)."""
    def answered(c, old, now):
        record_feedback(c, outcome, now)
        return {"on_time": c.feedback_on_time, "working_days": c.feedback_working_days}

    complaint = change_status(actor, complaint, ComplaintStatus.FEEDBACK_SENT, "complaint.feedback_sent", answered,
                               guard=guard)
    propagate_feedback(actor, complaint)
    queue_notices(complaint)
    return complaint


@transaction.atomic
def complaint_send_feedback(*, actor, complaint: Complaint, outcome: str) -> Complaint:
    """Tell the complainant the result (Art 19: 反馈) on the status page and, where possible, as a
    notice; merged duplicates get the same answer.

    Staff holding ``handle_complaint`` only (the assignee guard applies). While the linked review
    case is undecided nothing may be sent: an outcome must come from the real outcome, so feedback
    that follows a case's decision goes through ``complaint_case_decided`` instead.
    """
    require_actor(actor, permission=HANDLE)
    if case_is_open(complaint):
        raise ServiceError(_("审核工单 #%(id)s 尚未决定：反馈将在工单决定后按决定结果自动发送") % {
            "id": complaint.review_case_id}, field="status", code="waiting_for_case", status=409)
    outcome = (outcome or "").strip()
    if len(outcome) < 4:
        raise ServiceError(_("请填写向投诉人反馈的处理结果（至少 4 个字）"), field="outcome")
    return answer_complainant(actor, complaint, outcome, guard=True)


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint) -> Complaint:
    """File away an answered (or not accepted) complaint; merged duplicates close with it.

    Staff holding ``handle_complaint`` (the assignee guard applies), or the system: the deadline
    sweep closes complaints answered long enough ago.
    """
    require_actor(actor, permission=HANDLE, system=True)

    def closed(c, old, now):
        c.closed_at = now

    def closed_with_primary(child, old, now):
        child.closed_at = now
        return {"via_id": complaint.pk}

    complaint = change_status(actor, complaint, ComplaintStatus.CLOSED, "complaint.closed", closed)
    for child in Complaint.objects.select_for_update(of=("self",)).filter(
            merged_into=complaint, status=ComplaintStatus.FEEDBACK_SENT):
        change_status(actor, child, ComplaintStatus.CLOSED, "complaint.closed", closed_with_primary,
                       guard=False, locked=True)
    return complaint
