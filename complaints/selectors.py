"""Reads of complaints, shared by the staff pages, the public pages, the API and the sweep."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from complaints.choices import PUBLIC_STAGE, ComplaintCategory, ComplaintStatus
from complaints.models import QUEUE_ORDER, Complaint, SlaPolicy
from core import workdays
from core.models import AuditEntry

QUEUE_FIELDS = (
    "id", "tracking_code", "category", "status", "target_text", "target_key", "received_at", "next_due_at",
    "sla_flag", "report_count", "deprioritised", "calendar_warning", "source",
    "account__id", "account__uid", "account__name", "assignee__id", "assignee__username",
)


def complaint_list(*, user) -> QuerySet[Complaint]:
    """The complaint queue: every staff role with the view permission sees all complaints,
    most urgent deadline first (bad-faith reporters last)."""
    if not user.has_perm("complaints.view_complaint"):
        return Complaint.objects.none()
    return (Complaint.objects.select_related("account", "assignee").only(*QUEUE_FIELDS)
            .order_by(*QUEUE_ORDER))


def complaint_get(*, pk: int) -> Complaint:
    complaint = (Complaint.objects.select_related("account", "assignee", "merged_into", "api_client")
                 .filter(pk=pk).first())
    if complaint is None:
        raise Http404("投诉不存在")
    return complaint


def complaint_by_code(*, code: str) -> Complaint | None:
    from complaints.services import normalise_tracking_code

    code = normalise_tracking_code(code)
    if not code:
        return None
    return Complaint.objects.select_related("merged_into").filter(tracking_code=code).first()


def complaint_history(complaint: Complaint) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk)).order_by("id")


def clock(complaint: Complaint, cal: workdays.WorkCalendar | None = None) -> list[dict]:
    """Both deadlines with the working days left (negative when overdue) for the detail page."""
    cal = cal or workdays.calendar()
    now = timezone.now()
    today = timezone.localdate(now)
    rows = []
    for kind, label, due, done_at in (
        ("accept", "受理", complaint.accept_due_at, complaint.accepted_at),
        ("feedback", "反馈", complaint.feedback_due_at, complaint.feedback_sent_at),
    ):
        left = workdays.working_days_between(today, timezone.localdate(due), cal=cal)
        rows.append({
            "kind": kind, "label": label, "due_at": due, "done_at": done_at,
            "on_time": (done_at <= due) if done_at else None,
            "overdue": done_at is None and due < now and complaint.status != ComplaintStatus.WAITING,
            "working_days_left": left,
            "paused": complaint.status == ComplaintStatus.WAITING and done_at is None,
        })
    return rows


def public_status(*, complaint: Complaint) -> dict:
    """What a complainant may see about their own complaint: the stage, the deadlines, the
    question put to them and the outcome — never the target, other complainants, staff names,
    internal notes or linked cases. Merged complaints show their own dates."""
    status = complaint.status
    show_outcome = status in (ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.CLOSED, ComplaintStatus.REJECTED) and complaint.outcome
    steps = [
        ("received", "已收到", complaint.received_at),
        ("accepted", "受理" if status != ComplaintStatus.REJECTED else "不予受理", complaint.accepted_at),
        ("feedback", "反馈处理结果", complaint.feedback_sent_at),
        ("closed", "办结", complaint.closed_at),
    ]
    return {
        "tracking_code": complaint.tracking_code,
        "category": ComplaintCategory(complaint.category).label,
        "stage": PUBLIC_STAGE[ComplaintStatus(status)],
        "status": status,
        "received_at": complaint.received_at,
        "accept_due_at": complaint.accept_due_at if complaint.accepted_at is None and status != ComplaintStatus.MERGED else None,
        "feedback_due_at": complaint.feedback_due_at if complaint.feedback_sent_at is None else None,
        "paused": status == ComplaintStatus.WAITING,
        "question": complaint.question if status == ComplaintStatus.WAITING else "",
        "outcome": complaint.outcome if show_outcome else "",
        "steps": [{"key": k, "label": label, "at": at} for k, label, at in steps],
        "calendar_warning": bool(complaint.calendar_warning),
    }


def process_overview() -> list[dict]:
    """Each category with its published time limits (defaults where no policy row exists)."""
    from complaints.choices import DEFAULT_ACCEPT_DAYS, DEFAULT_FEEDBACK_DAYS

    policies = {p.category: p for p in SlaPolicy.objects.all()}
    rows = []
    for category in ComplaintCategory:
        p = policies.get(category.value)
        rows.append({
            "category": category.value, "label": category.label,
            "accept_days": p.accept_days if p else DEFAULT_ACCEPT_DAYS,
            "feedback_days": p.feedback_days if p else DEFAULT_FEEDBACK_DAYS,
            "policy": p,
        })
    return rows
