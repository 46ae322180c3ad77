"""Acceptance (受理): accept a received complaint for screening, or decline it (不予受理) with a
reason the complainant receives as the answer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from complaints.services.feedback import queue_notices, record_feedback
from complaints.services.guards import HANDLE, bounded_text, change_status, require_actor


def _accepted_or_not(complaint: Complaint, now) -> None:
    complaint.accepted_at = now
    complaint.accept_on_time = now <= complaint.accept_due_at


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint) -> Complaint:
    """Accept a received complaint for screening; the feedback clock keeps running from receipt.

    Staff holding ``handle_complaint`` only (the assignee guard applies); never the system or a
    platform client: accepting is a person's judgement.
    """
    require_actor(actor, permission=HANDLE)

    def accept(c, old, now):
        _accepted_or_not(c, now)
        return {"on_time": c.accept_on_time}

    return change_status(actor, complaint, ComplaintStatus.ACCEPTED, "complaint.accepted", accept)


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Decline to accept (不予受理), with a reason the complainant sees as the answer.

    Staff holding ``handle_complaint`` only (the assignee guard applies).
    """
    require_actor(actor, permission=HANDLE)
    reason = bounded_text(reason, field="reason", required=_("请填写不予受理的理由（至少 4 个字）"))

    def reject(c, old, now):
        _accepted_or_not(c, now)
        c.reject_reason = reason
        # The complainant's answer is a record kept in Chinese whatever the staff's language.
        record_feedback(c, f"您的投诉不予受理。理由：{reason}", now)
        return {"reason": reason, "on_time": c.accept_on_time}

    complaint = change_status(actor, complaint, ComplaintStatus.REJECTED, "complaint.rejected", reject)
    queue_notices(complaint)
    return complaint
