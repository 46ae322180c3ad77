"""SLA: supervisors' per-category time limits, the sweep that flags complaints due soon or
overdue and leaves alerts, and acknowledging those alerts.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import MAX_FEEDBACK_DAYS, ComplaintCategory, ComplaintStatus, DeadlineKind, SlaFlag
from complaints.models import Complaint, SlaAlert, SlaPolicy
from complaints.services.deadlines import flag_for
from complaints.services.guards import lock_complaint, require_actor
from core.audit import record
from core.errors import ServiceError


@transaction.atomic
def sla_policy_update(*, actor, category: str, accept_days: int, feedback_days: int) -> SlaPolicy:
    """Change a category's time limits; applies to complaints received from now on.

    Staff holding ``complaints.change_slapolicy`` only (a supervisor's decision; the defaults
    every new database starts with come from a data migration, not from this service).
    """
    require_actor(actor, permission="complaints.change_slapolicy")
    if category not in ComplaintCategory.values:
        raise ServiceError(_("未知的投诉类别"), field="category")
    if not 0 <= accept_days <= 5:
        raise ServiceError(_("受理时限应为 %(min)d–%(max)d 个工作日") % {"min": 0, "max": 5}, field="accept_days")
    if not 1 <= feedback_days <= MAX_FEEDBACK_DAYS:
        raise ServiceError(_("反馈时限应为 %(min)d–%(max)d 个工作日") % {"min": 1, "max": MAX_FEEDBACK_DAYS},
                           field="feedback_days")
    if accept_days > feedback_days:
        raise ServiceError(_("受理时限不能长于反馈时限"), field="accept_days")
    policy = SlaPolicy.objects.select_for_update().filter(category=category).first()
    old = {"accept_days": policy.accept_days, "feedback_days": policy.feedback_days} if policy else None
    if old == {"accept_days": accept_days, "feedback_days": feedback_days}:
        return policy
    policy, _created = SlaPolicy.objects.update_or_create(category=category, defaults={
        "accept_days": accept_days, "feedback_days": feedback_days,
        "updated_by": actor})
    record("sla_policy.updated", actor=actor, subject=policy, old=old,
           new={"category": category, "accept_days": accept_days, "feedback_days": feedback_days})
    return policy


@transaction.atomic
def complaint_flag_sla(*, actor, complaint: Complaint, now=None, cal=None) -> str | None:
    """Mark a complaint due soon or overdue and leave an alert for supervisors.

    The system only (the deadline sweep): a flag follows from the clock, so no person or client
    sets it.
    """
    require_actor(actor, system=True)
    complaint = lock_complaint(complaint)
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
    """A supervisor has seen an alert. Staff holding ``complaints.change_slaalert`` only: the
    record says which person saw it."""
    require_actor(actor, permission="complaints.change_slaalert")
    alert = SlaAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record("sla_alert.acknowledged", actor=actor, subject=alert.complaint,
               new={"alert_id": alert.pk, "level": alert.level, "deadline": alert.deadline})
    return alert
