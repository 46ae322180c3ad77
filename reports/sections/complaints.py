"""Periodic report: complaints and reports received (Art 19), by category: accepted, on time."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from complaints.choices import OPEN_STATUSES, ComplaintCategory, ComplaintStatus
from complaints.models import Complaint
from reports.sections.base import Section
from reports.sections.period import bounds


def periodic(report):
    since, until = bounds(report)
    by_category = {r["category"]: r for r in Complaint.objects.filter(
        received_at__gte=since, received_at__lt=until).order_by().values("category").annotate(
        total=Count("id"),
        accepted=Count("id", filter=Q(accepted_at__isnull=False) & ~Q(status=ComplaintStatus.REJECTED)),
        rejected=Count("id", filter=Q(status=ComplaintStatus.REJECTED)),
        merged=Count("id", filter=Q(merged_into__isnull=False)),
        accept_on_time=Count("id", filter=Q(accept_on_time=True)),
        answered=Count("id", filter=Q(feedback_sent_at__isnull=False)),
        feedback_on_time=Count("id", filter=Q(feedback_on_time=True)),
        still_open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
    )}
    keys = ("total", "accepted", "rejected", "merged", "accept_on_time", "answered", "feedback_on_time", "still_open")
    rows = [[c.label, *(by_category.get(c.value, {}).get(k, 0) for k in keys)] for c in ComplaintCategory]
    rows.append([_("合计"), *(sum(r.get(k, 0) for r in by_category.values()) for k in keys)])
    yield Section("complaints", _("投诉举报（按类别）"),
                  [_("类别"), _("收到"), _("受理"), _("不予受理"), _("合并处理"), _("按时受理"), _("已反馈"),
                   _("按时反馈"), _("期末未办结")], rows, [34] + [10] * 8)
