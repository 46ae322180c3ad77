"""Acceptance (受理): accept a received complaint for screening, or decline it (不予受理) with a
reason the complainant receives as the answer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from complaints.services.deadlines import _set_clock
from complaints.services.feedback import _queue_notices, _record_feedback
from complaints.services.guards import _bounded_text, _ensure_can_act, _lock, _transition
from core.audit import record


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint) -> Complaint:
    """Accept a received complaint for screening; the feedback clock keeps running from receipt."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.ACCEPTED)
    now = timezone.now()
    complaint.accepted_at = now
    complaint.accept_on_time = now <= complaint.accept_due_at
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.accepted", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "on_time": complaint.accept_on_time})
    return complaint


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Decline to accept (不予受理), with a reason the complainant sees as the answer."""
    reason = _bounded_text(reason, field="reason", required="请填写不予受理的理由（至少 4 个字）")
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.REJECTED)
    now = timezone.now()
    complaint.accepted_at = now
    complaint.accept_on_time = now <= complaint.accept_due_at
    complaint.reject_reason = reason
    _record_feedback(complaint, f"您的投诉不予受理。理由：{reason}", now)
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.rejected", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "reason": reason, "on_time": complaint.accept_on_time})
    _queue_notices(complaint)
    return complaint
