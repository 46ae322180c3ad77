"""Dashboard charts of complaints (Art 19): received vs closed per day, and the share of
acceptances and feedback on time by category, for complaints received in the period. Live SQL
over ``complaint_received_idx`` / ``complaint_closed_idx``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.choices import ComplaintCategory
from complaints.models import Complaint
from core.charts import Period, chart, day_label
from core.workdays import SHANGHAI


def _per_day(field: str, period: Period) -> dict:
    rows = (Complaint.objects.filter(**{f"{field}__gte": period.since, f"{field}__lt": period.until})
            .annotate(day=TruncDate(field, tzinfo=SHANGHAI)).values("day").annotate(n=Count("id")).order_by())
    return {r["day"]: r["n"] for r in rows}


def received_closed(request, period: Period):
    if not request.user.has_perm("complaints.view_complaint"):
        return None
    received, closed = _per_day("received_at", period), _per_day("closed_at", period)
    days = period.days()
    return chart("complaints.per_day", _("每日收到与办结的投诉"), labels=[day_label(d) for d in days], kind="line",
                 series=[{"name": _("收到"), "values": [received.get(d, 0) for d in days]},
                         {"name": _("办结"), "values": [closed.get(d, 0) for d in days]}],
                 url=reverse("complaints:complaint_list"))


def on_time_by_category(request, period: Period):
    if not request.user.has_perm("complaints.view_complaint"):
        return None
    rows = {r["category"]: r for r in Complaint.objects.filter(
        received_at__gte=period.since, received_at__lt=period.until).values("category").annotate(
        accept_done=Count("id", filter=Q(accept_on_time__isnull=False)),
        accept_ok=Count("id", filter=Q(accept_on_time=True)),
        feedback_done=Count("id", filter=Q(feedback_on_time__isnull=False)),
        feedback_ok=Count("id", filter=Q(feedback_on_time=True))).order_by()}
    cats = [c for c in ComplaintCategory if c.value in rows] or [next(iter(ComplaintCategory))]

    def rate(cat, kind):
        r = rows.get(cat.value)
        return round(100 * r[f"{kind}_ok"] / r[f"{kind}_done"], 1) if r and r[f"{kind}_done"] else 0

    base = reverse("complaints:complaint_list")
    return chart("complaints.on_time", _("按时受理与按时反馈的比例（%）：按类别"), labels=[c.label for c in cats], unit="%",
                 series=[{"name": _("按时受理"), "values": [rate(c, "accept") for c in cats]},
                         {"name": _("按时反馈"), "values": [rate(c, "feedback") for c in cats]}],
                 links=[f"{base}?category={c.value}" for c in cats], url=base, kind="grouped")
