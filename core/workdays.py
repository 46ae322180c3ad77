"""The Chinese working-day calendar behind every legal deadline (Art 19 受理、反馈时限; Art 15
correction periods, appeals and organisation reviews), counted in working days.

A date is a working day unless it is a weekend or a day off, and a weekend date can be a make-up
working day (调休). Sources, strongest first:

1. the ``core.Holiday`` rows that supervisors enter from the State Council's notice (a row
   overrides everything for its date);
2. ``chinesecalendar`` for the years it covers (1.11 stops at 2026);
3. for a year a supervisor has *confirmed* (``core.HolidayYear``): Monday–Friday besides the rows;
4. for any other year (*provisional*): the statutory holidays of 《全国年节及纪念日放假办法》
   computed from the lunar calendar (``core.statutory_holidays``) are days off, weekends are
   days off, and no make-up working day or 补假 is assumed — only the notice names those.

A deadline that touches a provisional year is reported through ``Deadline.years_without_data`` so
every page can say "暂定" (``{% deadline %}`` in ``core.templatetags.deadlines``); when the year is
confirmed or its rows change, ``core.holidays`` has open deadlines recomputed. Nothing here raises
for a future year.

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

from core.statutory_holidays import statutory_dates

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


PACKAGE = "package"
CONFIRMED = "confirmed"
PROVISIONAL = "provisional"


class WorkCalendar:
    """One computation's view of the calendar: loads each year's rows and status once."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, confirmed_years: set[int] | None = None):
        self._overrides: dict[dt.date, bool] = dict(overrides or {})
        self._confirmed: set[int] = set(confirmed_years or ())
        self._loaded: set[int] = set()
        self._preloaded = overrides is not None

    def _load(self, year: int) -> None:
        if year in self._loaded or self._preloaded:
            return
        from core.models import Holiday, HolidayYear

        self._loaded.add(year)
        for day, kind in Holiday.objects.filter(date__year=year).values_list("date", "kind"):
            self._overrides[day] = kind == Holiday.Kind.WORKDAY
        if HolidayYear.objects.filter(year=year, status=HolidayYear.Status.CONFIRMED).exists():
            self._confirmed.add(year)

    def is_workday(self, day: dt.date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self._confirmed and day in statutory_dates(day.year):
            return False
        return day.weekday() < 5

    def year_status(self, year: int) -> str:
        """``package``, ``confirmed`` or ``provisional`` (computed statutory holidays only)."""
        if package_covers(year):
            return PACKAGE
        self._load(year)
        return CONFIRMED if year in self._confirmed else PROVISIONAL

    def year_has_data(self, year: int) -> bool:
        return self.year_status(year) != PROVISIONAL

    def years_without_data(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The provisional years between ``start`` and ``end``: deadlines through them may move."""
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
    between whose holiday arrangement is still provisional (so the date may still move)."""

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
        log.info("deadline %s computed on the provisional calendar of %s", day, missing)
    return Deadline(day=day, due_at=end_of_day(day), years_without_data=missing)


def confirmed_years() -> frozenset[int]:
    """Every year a supervisor has confirmed (one small query; pages showing many deadlines ask once)."""
    from core.models import HolidayYear

    return frozenset(HolidayYear.objects.filter(status=HolidayYear.Status.CONFIRMED).values_list("year", flat=True))


def is_provisional(year: int, confirmed: frozenset[int] | set[int]) -> bool:
    return not package_covers(year) and year not in confirmed


def coverage(years) -> list[dict]:
    """For the calendar and policy pages: where each year's data comes from and whether it is final."""
    from core.models import Holiday, HolidayYear

    years = list(years)
    edited: dict[int, list[str]] = {}
    for day, kind in Holiday.objects.filter(date__year__in=years).values_list("date", "kind"):
        edited.setdefault(day.year, []).append(kind)
    rows = {y.year: y for y in HolidayYear.objects.filter(year__in=years).select_related("confirmed_by")}
    out = []
    for year in years:
        kinds = edited.get(year, [])
        row = rows.get(year)
        if package_covers(year):
            status = PACKAGE
        elif row is not None and row.status == HolidayYear.Status.CONFIRMED:
            status = CONFIRMED
        else:
            status = PROVISIONAL
        out.append({
            "year": year,
            "status": status,
            "package": status == PACKAGE,
            "edited_holidays": kinds.count(Holiday.Kind.HOLIDAY),
            "edited_workdays": kinds.count(Holiday.Kind.WORKDAY),
            "has_data": status != PROVISIONAL,
            "record": row,
        })
    return out
