"""The Chinese working-day calendar for Art 19 deadlines (受理、反馈时限 in working days).

A date is a working day unless it is a weekend or a public holiday, and a weekend date can be a
make-up working day (调休). Three sources, strongest first:

1. the ``core.Holiday`` table that supervisors edit (a row overrides everything for its date);
2. ``chinesecalendar`` for the years it covers (1.11 stops at 2026);
3. Monday–Friday for any other year.

A year is *known* when the package covers it or supervisors have entered at least one holiday
for it. Deadlines that touch an unknown year are still computed (weekends only plus whatever was
entered) and reported through ``Deadline.years_without_data`` so the UI can warn; nothing here
raises for a future year.

Counting follows the usual rule for periods in days (民法典 第二百零一条): the start day is not
counted, so ``add_working_days(d, 1)`` is the first working day after ``d``, and
``working_days_between(a, b)`` counts working days in ``(a, b]``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db import transaction

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MAX_SPAN_DAYS = 3660  # a guard against runaway loops on absurd input (ten years)


@cache
def package_covers(year: int) -> bool:
    """Whether ``chinesecalendar`` has holiday data for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    return value


class WorkCalendar:
    """One computation's view of the calendar: loads the edited rows per year, once."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, edited_years: set[int] | None = None):
        self._overrides: dict[dt.date, bool] = dict(overrides or {})
        self._edited_years: set[int] = set(edited_years or ())
        self._loaded: set[int] = set() if overrides is None else {d.year for d in self._overrides}
        self._preloaded = overrides is not None

    def _load(self, year: int) -> None:
        if year in self._loaded or self._preloaded:
            return
        from core.models import Holiday

        self._loaded.add(year)
        for day, kind in Holiday.objects.filter(date__year=year).values_list("date", "kind"):
            self._overrides[day] = kind == Holiday.Kind.WORKDAY
            if kind == Holiday.Kind.HOLIDAY:
                self._edited_years.add(year)

    def is_workday(self, day: dt.date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def year_has_data(self, year: int) -> bool:
        self._load(year)
        return package_covers(year) or year in self._edited_years

    def years_without_data(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        low, high = sorted((start, end))
        return tuple(y for y in range(low.year, high.year + 1) if not self.year_has_data(y))


def calendar() -> WorkCalendar:
    return WorkCalendar()


def is_workday(day: dt.date | dt.datetime, *, cal: WorkCalendar | None = None) -> bool:
    return (cal or calendar()).is_workday(_as_date(day))


def add_working_days(start: dt.date | dt.datetime, n: int, *, cal: WorkCalendar | None = None) -> dt.date:
    """The ``n``-th working day after ``start`` (``n`` ≥ 0; the start day itself is not counted).

    ``n == 0`` gives ``start`` itself when it is a working day, else the next working day.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    cal = cal or calendar()
    day = _as_date(start)
    if n == 0:
        for _ in range(_MAX_SPAN_DAYS):
            if cal.is_workday(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day found")
    counted = 0
    for _ in range(_MAX_SPAN_DAYS):
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            counted += 1
            if counted == n:
                return day
    raise ValueError("deadline beyond the calendar's range")


def working_days_between(start: dt.date | dt.datetime, end: dt.date | dt.datetime, *,
                         cal: WorkCalendar | None = None) -> int:
    """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
    cal = cal or calendar()
    a, b = _as_date(start), _as_date(end)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    if (b - a).days > _MAX_SPAN_DAYS:
        raise ValueError("span too long")
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            count += 1
    return sign * count


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the last working day, the end of it in Beijing time, and the years in
    between for which no holiday data exists (so the date may be too early or too late)."""

    day: dt.date
    due_at: dt.datetime
    years_without_data: tuple[int, ...]

    @property
    def uncertain(self) -> bool:
        return bool(self.years_without_data)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def deadline(start: dt.date | dt.datetime, n: int, *, cal: WorkCalendar | None = None) -> Deadline:
    """``n`` working days after ``start``, due at the end of that day (Asia/Shanghai)."""
    cal = cal or calendar()
    day = add_working_days(start, n, cal=cal)
    missing = cal.years_without_data(_as_date(start), day)
    if missing:
        log.warning("deadline %s computed without holiday data for %s (weekends only)", day, missing)
    return Deadline(day=day, due_at=end_of_day(day), years_without_data=missing)


def coverage(years) -> list[dict]:
    """For the holiday editor: where each year's data comes from."""
    from core.models import Holiday

    edited = {}
    for row in Holiday.objects.filter(date__year__in=list(years)).values_list("date", "kind"):
        edited.setdefault(row[0].year, []).append(row[1])
    out = []
    for year in years:
        kinds = edited.get(year, [])
        out.append({
            "year": year,
            "package": package_covers(year),
            "edited_holidays": kinds.count(Holiday.Kind.HOLIDAY),
            "edited_workdays": kinds.count(Holiday.Kind.WORKDAY),
            "has_data": package_covers(year) or Holiday.Kind.HOLIDAY in kinds,
        })
    return out


# ---------------------------------------------------------------------------------------------
# Editing the table (supervisors). Audited like every other state change.


def holiday_set(*, actor, date: dt.date, kind: str, name: str):
    """Add or change the calendar entry for ``date`` (Art 19 deadlines depend on it)."""
    from core.audit import record
    from core.models import Holiday

    if kind not in Holiday.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    with transaction.atomic():
        existing = Holiday.objects.select_for_update().filter(date=date).first()
        old = {"kind": existing.kind, "name": existing.name} if existing else None
        holiday, _created = Holiday.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip()[:50],
                                 "updated_by": actor if getattr(actor, "pk", None) else None},
        )
        record("holiday.set", actor=actor, subject=holiday, old=old,
               new={"date": date.isoformat(), "kind": kind, "name": holiday.name})
    return holiday


def holiday_delete(*, actor, holiday) -> None:
    """Remove an entry; the date falls back to the package or to weekends-only."""
    from core.audit import record

    with transaction.atomic():
        record("holiday.deleted", actor=actor, subject=holiday,
               old={"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name})
        holiday.delete()
