"""Reads of the reports app: reports and exports a user may see, and the reportable measures
still awaiting a report (Art 17 及时报告) with their deadlines."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from core import workdays
from moderation.models import Measure
from reports import conf
from reports.choices import ReportStatus
from reports.formats import SHANGHAI
from reports.models import Export, RegulatorReport, ReportedMeasure


def report_list(*, user) -> QuerySet[RegulatorReport]:
    if not user.has_perm("reports.view_regulatorreport"):
        return RegulatorReport.objects.none()
    return RegulatorReport.objects.select_related("approved_by", "replaces").order_by("-id")


def report_get(*, user, pk: int) -> RegulatorReport:
    report = report_list(user=user).select_related("created_by", "reviewed_by", "submitted_by").filter(pk=pk).first()
    if report is None:
        raise Http404("报告不存在")
    return report


def export_list(*, user) -> QuerySet[Export]:
    """My exports (我的导出): each user sees their own."""
    return Export.objects.filter(requested_by=user).order_by("-id")


# ---------------------------------------------------------------------------------------------
# Reportable measures and their reporting deadline


def deadline_days() -> int:
    return int(conf.get("reporting_deadline_working_days"))


def report_due_at(measure: Measure) -> dt.datetime | None:
    """End of the N-th working day after the measure took effect (Beijing time)."""
    if measure.effective_from is None:
        return None
    return workdays.deadline(measure.effective_from, deadline_days()).due_at


def _submitted_report_exists():
    return Exists(ReportedMeasure.objects.filter(measure=OuterRef("pk"), report__status=ReportStatus.SUBMITTED))


def reportable_measures() -> QuerySet[Measure]:
    """Every reportable measure that took effect, newest first."""
    return (Measure.objects.filter(action=Measure.Action.APPLY, reportable=True, effective_from__isnull=False)
            .order_by("-effective_from", "-id"))


def awaiting_measures() -> QuerySet[Measure]:
    """Reportable measures not yet in a submitted report."""
    return reportable_measures().filter(~_submitted_report_exists())


def overdue_before(now: dt.datetime | None = None) -> dt.datetime:
    """Measures that took effect before this instant are past their reporting deadline now.

    The deadline grows with the start date, so instead of computing it per measure, find the
    first day whose deadline has not passed yet: everything effective before that day is overdue.
    """
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    n = deadline_days()
    cal = workdays.calendar()
    day = today
    # Walk back while a measure effective on ``day`` would still be in time.
    for _ in range(60):
        if workdays.deadline(day, n, cal=cal).due_at < now:
            break
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)


def overdue_measures(now: dt.datetime | None = None) -> QuerySet[Measure]:
    return awaiting_measures().filter(effective_from__lt=overdue_before(now))


def in_reports(measure_ids) -> dict[int, list[RegulatorReport]]:
    """For each measure, the reports (any status) that include it."""
    out: dict[int, list[RegulatorReport]] = {}
    for link in ReportedMeasure.objects.filter(measure_id__in=list(measure_ids)).select_related("report"):
        out.setdefault(link.measure_id, []).append(link.report)
    return out
