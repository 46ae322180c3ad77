"""The checks every complaint action makes first: lock the row, check the status transition
against ``complaints.choices.TRANSITIONS``, check that the actor may act on a complaint someone
else has claimed, and bound the free text a complainant will read or the audit log will keep.
"""

from __future__ import annotations

from django.utils import timezone

from complaints.choices import TRANSITIONS, ComplaintStatus
from complaints.models import Complaint
from core.errors import ServiceError


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _transition(complaint: Complaint, new_status: str) -> str:
    old = complaint.status
    if new_status not in TRANSITIONS[old]:
        raise ServiceError(
            f"投诉状态不能从「{ComplaintStatus(old).label}」变为「{ComplaintStatus(new_status).label}」",
            field="status", code="illegal_transition", status=409,
        )
    complaint.status = new_status
    return old


def _is_staff_user(actor) -> bool:
    return actor is not None and hasattr(actor, "has_perm") and getattr(actor, "pk", None) is not None


def _ensure_can_act(actor, complaint: Complaint) -> None:
    """A complaint claimed by someone else is theirs, unless a supervisor steps in."""
    if not _is_staff_user(actor):
        return
    if complaint.assignee_id and complaint.assignee_id != actor.pk and not actor.has_perm(
            "complaints.reassign_complaint"):
        raise ServiceError("此投诉已由其他人认领", field="assignee", code="claimed_by_other", status=409)
    if complaint.assignee_id is None:
        complaint.assignee = actor
        complaint.claimed_at = timezone.now()


def _bounded_text(value: str | None, *, field: str, min_length: int = 4, max_length: int = 500,
                  required: str = "") -> str:
    """Free text a complainant will read or the audit log will keep: stripped, 4–500 characters."""
    value = (value or "").strip()
    if len(value) < min_length:
        raise ServiceError(required or f"至少 {min_length} 个字", field=field)
    if len(value) > max_length:
        raise ServiceError(f"不能超过 {max_length} 个字", field=field)
    return value
