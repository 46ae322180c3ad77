"""The time window of a report: whole days in Beijing time, end date included."""

from __future__ import annotations

import datetime as dt

from reports.formats import SHANGHAI


def bounds(report) -> tuple[dt.datetime, dt.datetime]:
    """[start of the first day, start of the day after the last) as aware datetimes."""
    since = dt.datetime.combine(report.period_start, dt.time.min, tzinfo=SHANGHAI)
    until = dt.datetime.combine(report.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return since, until


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end_month = 3 * quarter
    return start, month_range(year, end_month)[1]
