"""The complaint clock on the Chinese working-day calendar (``core.workdays``): a category's time
limits, the calendar warning for years without holiday data, the SLA flag (ok, due soon, overdue)
and which deadline a complaint faces in its current status.
"""

from __future__ import annotations

from django.utils import timezone

from complaints.choices import DEFAULT_ACCEPT_DAYS, DEFAULT_FEEDBACK_DAYS, ComplaintStatus, SlaFlag
from complaints.models import Complaint, SlaPolicy
from core import workdays


def policy_days(category: str) -> tuple[int, int]:
    """A category's (accept, feedback) time limits in working days: its policy row or the defaults."""
    row = SlaPolicy.objects.filter(category=category).values_list("accept_days", "feedback_days").first()
    return row if row else (DEFAULT_ACCEPT_DAYS, DEFAULT_FEEDBACK_DAYS)


def merge_warnings(*parts: str) -> str:
    """The years without holiday data named by any of ``parts`` (comma lists), as one comma list."""
    years = sorted({y for p in parts for y in p.split(",") if y})
    return ",".join(years)[:40]


def deadline_warning(*deadlines: workdays.Deadline) -> str:
    """The years without holiday data the given deadlines ran through, as a comma list."""
    return merge_warnings(*(",".join(str(y) for y in d.years_without_data) for d in deadlines))


def flag_for(due_at, now, cal: workdays.WorkCalendar | None = None) -> str:
    """OK, due soon (by the end of the next working day) or overdue."""
    if due_at is None:
        return SlaFlag.OK
    if due_at < now:
        return SlaFlag.OVERDUE
    soon = workdays.end_of_day(workdays.add_working_days(timezone.localdate(now), 1, cal=cal))
    return SlaFlag.DUE_SOON if due_at <= soon else SlaFlag.OK


def set_clock(complaint: Complaint, now) -> None:
    """Point ``next_due_at`` at the deadline staff face now, and refresh the flag."""
    if complaint.status == ComplaintStatus.RECEIVED:
        complaint.next_due_at = complaint.accept_due_at
    elif complaint.status in (ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING,
                              ComplaintStatus.WAITING_CASE):
        complaint.next_due_at = complaint.feedback_due_at
    else:
        complaint.next_due_at = None
    complaint.sla_flag = flag_for(complaint.next_due_at, now)
