"""Complaint handling figures (Art 19: 及时处理): received, accepted, on-time rates for acceptance
and feedback, and the median working days to feedback — by category and by week."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from complaints.choices import ComplaintCategory
from complaints.models import Complaint
from core.workdays import SHANGHAI


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


_COUNTS = {
    "received": Count("id"),
    "accepted": Count("id", filter=Q(accepted_at__isnull=False, reject_reason="")),
    "rejected": Count("id", filter=~Q(reject_reason="")),
    "merged": Count("id", filter=Q(merged_into__isnull=False)),
    "accept_decided": Count("id", filter=Q(accept_on_time__isnull=False)),
    "accept_on_time": Count("id", filter=Q(accept_on_time=True)),
    "feedback_sent": Count("id", filter=Q(feedback_on_time__isnull=False)),
    "feedback_on_time": Count("id", filter=Q(feedback_on_time=True)),
    "overdue_now": Count("id", filter=Q(sla_flag="overdue", next_due_at__isnull=False)),
}


def _finish(row: dict, medians: list[int]) -> dict:
    row["accept_on_time_rate"] = _rate(row["accept_on_time"], row["accept_decided"])
    row["feedback_on_time_rate"] = _rate(row["feedback_on_time"], row["feedback_sent"])
    row["median_feedback_days"] = statistics.median(medians) if medians else None
    return row


def complaint_metrics(*, since: dt.date, until: dt.date, category: str | None = None) -> dict:
    """Figures for complaints received between ``since`` and ``until`` (inclusive, Beijing dates)."""
    start = dt.datetime.combine(since, dt.time.min, tzinfo=SHANGHAI)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    qs = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if category:
        qs = qs.filter(category=category)

    days_by_cat: dict[str, list[int]] = defaultdict(list)
    days_by_week: dict[dt.date, list[int]] = defaultdict(list)
    days_all: list[int] = []
    for cat, week, days in (qs.filter(feedback_working_days__isnull=False)
                            .annotate(week=TruncWeek("received_at", tzinfo=SHANGHAI))
                            .values_list("category", "week", "feedback_working_days")):
        days_by_cat[cat].append(days)
        days_by_week[week.date()].append(days)
        days_all.append(days)

    labels = dict(ComplaintCategory.choices)
    by_category = [
        _finish({"category": row["category"], "label": labels.get(row["category"], row["category"]), **row},
                days_by_cat[row["category"]])
        for row in qs.values("category").annotate(**_COUNTS).order_by("category")
    ]
    by_week = [
        _finish({**row, "week": row["week"].date()}, days_by_week[row["week"].date()])
        for row in (qs.annotate(week=TruncWeek("received_at", tzinfo=SHANGHAI)).values("week")
                    .annotate(**_COUNTS).order_by("-week"))
    ]
    totals = _finish(dict(qs.aggregate(**_COUNTS)), days_all)
    return {"by_category": by_category, "by_week": by_week, "totals": totals, "since": since, "until": until}
