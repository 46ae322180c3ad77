"""Claiming complaints to work on, one person at a time: claim, release, and hand out the most
urgent unclaimed one.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from complaints.services.guards import _ensure_can_act, _lock
from core.audit import record
from core.errors import ServiceError


@transaction.atomic
def complaint_claim(*, actor, complaint: Complaint) -> Complaint:
    """Take a complaint to work on; one person at a time."""
    complaint = _lock(complaint)
    if complaint.assignee_id == actor.pk:
        return complaint
    if complaint.assignee_id and not actor.has_perm("complaints.reassign_complaint"):
        raise ServiceError("此投诉已由其他人认领", field="assignee", code="claimed_by_other", status=409)
    old = complaint.assignee.username if complaint.assignee_id else None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": old},
           new={"assignee": actor.username})
    return complaint


@transaction.atomic
def complaint_release(*, actor, complaint: Complaint) -> Complaint:
    """Give a claimed complaint back to the queue."""
    complaint = _lock(complaint)
    if complaint.assignee_id is None:
        return complaint
    _ensure_can_act(actor, complaint)
    old = complaint.assignee.username
    complaint.assignee, complaint.claimed_at = None, None
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.released", actor=actor, subject=complaint, old={"assignee": old}, new={"assignee": None})
    return complaint


@transaction.atomic
def complaint_claim_next(*, actor) -> Complaint | None:
    """Hand the most urgent unclaimed open complaint to ``actor`` (skipping rows others are
    claiming at this instant)."""
    qs = (Complaint.objects.filter(assignee__isnull=True, status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING])
          .order_by("deprioritised", "next_due_at", "id"))
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    complaint = qs.first()
    if complaint is None:
        return None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": None},
           new={"assignee": actor.username, "next": True})
    return complaint
