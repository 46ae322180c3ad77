"""Recomputing open complaint deadlines when the working-day calendar of a year changes (issue 19):
a supervisor confirmed the State Council's notice for the year, or changed one of its entries.

Deadlines are recomputed from their start — the receipt date, the category's days the complaint
was received under, and the working days it waited for the complainant — exactly as intake and
resumption compute them, so a recomputed date equals the one a complaint received today would get.
Each change is one transaction with its audit entry (``deadline.recomputed``) on the complaint's
timeline. Registered with ``core.registry.register_deadline_recomputer`` in ``complaints/apps.py``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from complaints.choices import OPEN_STATUSES, ComplaintStatus
from complaints.models import Complaint
from complaints.services.deadlines import deadline_warning, set_clock
from complaints.services.guards import lock_complaint, require_actor
from core import workdays
from core.audit import record

# Whoever may change the working-day calendar (core.holidays) has its consequences applied.
CALENDAR_EDITORS = ("core.add_holiday", "core.delete_holiday", "core.confirm_holidayyear")

# Merged complaints are answered with their primary, but their own deadlines are still shown to
# their complainants, so they are kept right too.
_RECOMPUTED_STATUSES = (*OPEN_STATUSES, ComplaintStatus.MERGED)


def _local(moment: dt.datetime) -> dt.datetime:
    """Beijing time, so the audit entry's old and new read alike (the row comes back in UTC)."""
    return moment.astimezone(workdays.SHANGHAI)


def _due(start, days: int, paused: int, cal: workdays.WorkCalendar) -> workdays.Deadline:
    """As intake computes it, then moved by the working days waited (as resumption moves it)."""
    first = workdays.deadline(start, days, cal=cal)
    if not paused:
        return first
    moved = workdays.deadline(first.day, paused, cal=cal)
    missing = tuple(sorted(set(first.years_without_data) | set(moved.years_without_data)))
    return workdays.Deadline(day=moved.day, due_at=moved.due_at, years_without_data=missing)


def _candidates(years: list[int]):
    """Open complaints whose counting period (receipt … a deadline) overlaps one of ``years``."""
    first = dt.datetime(min(years), 1, 1, tzinfo=workdays.SHANGHAI)
    after_last = dt.datetime(max(years) + 1, 1, 1, tzinfo=workdays.SHANGHAI)
    return (Complaint.objects.filter(status__in=_RECOMPUTED_STATUSES, received_at__lt=after_last,
                                     feedback_sent_at__isnull=True, feedback_due_at__gte=first)
            .order_by("id").values_list("id", flat=True))


def complaint_recompute_deadlines(*, complaint: Complaint, actor, cal: workdays.WorkCalendar | None = None) -> bool:
    """Recompute one complaint's open deadlines; audit and return True when anything changed.

    The new dates follow from the calendar, so no judgement is involved: the system (the
    recompute job) or a staff user who may change the calendar (the change being applied);
    never a platform client.
    """
    require_actor(actor, permission=CALENDAR_EDITORS, system=True)
    cal = cal or workdays.calendar()
    with transaction.atomic():
        complaint = lock_complaint(complaint)
        if complaint.status not in _RECOMPUTED_STATUSES:
            return False
        paused = complaint.paused_working_days
        old = {"accept_due_at": _local(complaint.accept_due_at), "feedback_due_at": _local(complaint.feedback_due_at),
               "calendar_warning": complaint.calendar_warning}
        deadlines = []
        if complaint.accepted_at is None:
            accept = _due(complaint.received_at, complaint.accept_days, paused, cal)
            complaint.accept_due_at = accept.due_at
            deadlines.append(accept)
        if complaint.feedback_sent_at is None:
            feedback = _due(complaint.received_at, complaint.feedback_days, paused, cal)
            complaint.feedback_due_at = feedback.due_at
            deadlines.append(feedback)
        complaint.calendar_warning = deadline_warning(*deadlines)
        new = {"accept_due_at": _local(complaint.accept_due_at), "feedback_due_at": _local(complaint.feedback_due_at),
               "calendar_warning": complaint.calendar_warning}
        if new == old:
            return False
        set_clock(complaint, timezone.now())
        complaint.save(update_fields=["accept_due_at", "feedback_due_at", "calendar_warning", "next_due_at",
                                      "sla_flag"])
        years = sorted({d.day.year for d in deadlines} | {complaint.received_at.astimezone(workdays.SHANGHAI).year})
        record("deadline.recomputed", actor=actor, subject=complaint, old=old, new={
            **new, "calendar": {str(y): cal.year_status(y) for y in years}})
    return True


def complaint_deadlines_recompute(*, actor, years: list[int]) -> int:
    """The recomputer complaints registers with core: every open complaint whose deadlines fall in
    ``years``, one transaction each (so a long run holds no lock for long). Returns the changes.
    Who: as ``complaint_recompute_deadlines``."""
    require_actor(actor, permission=CALENDAR_EDITORS, system=True)
    if not years:
        return 0
    # One calendar for the run: a change made meanwhile schedules a run of its own.
    cal = workdays.calendar()
    changed = 0
    for pk in list(_candidates(years)):
        if complaint_recompute_deadlines(complaint=Complaint(pk=pk), actor=actor, cal=cal):
            changed += 1
    return changed
