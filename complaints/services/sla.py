"""SLA: supervisors' per-category time limits, the sweep that flags complaints due soon or
overdue and leaves alerts, and acknowledging those alerts.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints.choices import MAX_FEEDBACK_DAYS, ComplaintCategory, ComplaintStatus, DeadlineKind, SlaFlag
from complaints.models import Complaint, SlaAlert, SlaPolicy
from complaints.services.deadlines import flag_for
from complaints.services.guards import _is_staff_user, _lock
from core.audit import record
from core.errors import ServiceError


@transaction.atomic
def sla_policy_update(*, actor, category: str, accept_days: int, feedback_days: int) -> SlaPolicy:
    """Change a category's time limits; applies to complaints received from now on."""
    if category not in ComplaintCategory.values:
        raise ServiceError("未知的投诉类别", field="category")
    if not 0 <= accept_days <= 5:
        raise ServiceError("受理时限应为 0–5 个工作日", field="accept_days")
    if not 1 <= feedback_days <= MAX_FEEDBACK_DAYS:
        raise ServiceError(f"反馈时限应为 1–{MAX_FEEDBACK_DAYS} 个工作日", field="feedback_days")
    if accept_days > feedback_days:
        raise ServiceError("受理时限不能长于反馈时限", field="accept_days")
    policy = SlaPolicy.objects.select_for_update().filter(category=category).first()
    old = {"accept_days": policy.accept_days, "feedback_days": policy.feedback_days} if policy else None
    if old == {"accept_days": accept_days, "feedback_days": feedback_days}:
        return policy
    policy, _created = SlaPolicy.objects.update_or_create(category=category, defaults={
        "accept_days": accept_days, "feedback_days": feedback_days,
        "updated_by": actor if _is_staff_user(actor) else None})
    record("sla_policy.updated", actor=actor, subject=policy, old=old,
           new={"category": category, "accept_days": accept_days, "feedback_days": feedback_days})
    return policy


@transaction.atomic
def complaint_flag_sla(*, actor, complaint: Complaint, now=None, cal=None) -> str | None:
    """Mark a complaint due soon or overdue and leave an alert for supervisors (the sweep)."""
    complaint = _lock(complaint)
    now = now or timezone.now()
    flag = flag_for(complaint.next_due_at, now, cal)
    if flag == complaint.sla_flag:
        return None
    old = complaint.sla_flag
    complaint.sla_flag = flag
    complaint.save(update_fields=["sla_flag"])
    if flag != SlaFlag.OK:
        deadline = DeadlineKind.ACCEPT if complaint.status == ComplaintStatus.RECEIVED else DeadlineKind.FEEDBACK
        SlaAlert.objects.get_or_create(complaint=complaint, deadline=deadline, level=flag,
                                       due_at=complaint.next_due_at)
    record("complaint.sla_flagged", actor=actor, subject=complaint, old={"sla_flag": old},
           new={"sla_flag": flag, "due_at": complaint.next_due_at})
    return flag


@transaction.atomic
def sla_alert_acknowledge(*, actor, alert: SlaAlert) -> SlaAlert:
    """A supervisor has seen an alert."""
    alert = SlaAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record("sla_alert.acknowledged", actor=actor, subject=alert.complaint,
               new={"alert_id": alert.pk, "level": alert.level, "deadline": alert.deadline})
    return alert
