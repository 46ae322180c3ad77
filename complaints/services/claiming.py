"""Claiming complaints to work on, one person at a time: claim, release, and hand out the most
urgent unclaimed one. Only staff holding ``handle_complaint`` claim: a claim names the person
who works the complaint, which neither the system nor a platform client can be.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import ComplaintStatus
from complaints.models import QUEUE_ORDER, Complaint
from complaints.services.guards import HANDLE, REASSIGN, ensure_can_act, lock_complaint, require_actor
from core.audit import record
from core.errors import ServiceError

# What claim-next hands out: open and not waiting for the complainant or for the review case.
CLAIMABLE = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING)


@transaction.atomic
def complaint_claim(*, actor, complaint: Complaint) -> Complaint:
    """Take a complaint to work on; one person at a time (a supervisor may take it over)."""
    require_actor(actor, permission=HANDLE)
    complaint = lock_complaint(complaint)
    if complaint.assignee_id == actor.pk:
        return complaint
    if complaint.assignee_id and not actor.has_perm(REASSIGN):
        raise ServiceError(_("此投诉已由其他人认领"), field="assignee", code="claimed_by_other", status=409)
    old = complaint.assignee.username if complaint.assignee_id else None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": old},
           new={"assignee": actor.username})
    return complaint


@transaction.atomic
def complaint_release(*, actor, complaint: Complaint) -> Complaint:
    """Give a claimed complaint back to the queue (its assignee, or a supervisor)."""
    require_actor(actor, permission=HANDLE)
    complaint = lock_complaint(complaint)
    if complaint.assignee_id is None:
        return complaint
    ensure_can_act(actor, complaint)
    old = complaint.assignee.username
    complaint.assignee, complaint.claimed_at = None, None
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.released", actor=actor, subject=complaint, old={"assignee": old}, new={"assignee": None})
    return complaint


@transaction.atomic
def complaint_claim_next(*, actor) -> Complaint | None:
    """Hand the most urgent unclaimed open complaint to ``actor``, skipping rows others are
    claiming at this instant (``SKIP LOCKED`` on PostgreSQL; SQLite locks the whole database, so
    Django leaves the clause out there and the same query serves both)."""
    require_actor(actor, permission=HANDLE)
    complaint = (Complaint.objects.filter(assignee__isnull=True, status__in=CLAIMABLE)
                 .order_by(*QUEUE_ORDER).select_for_update(skip_locked=True, of=("self",)).first())
    if complaint is None:
        return None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": None},
           new={"assignee": actor.username, "next": True})
    return complaint
