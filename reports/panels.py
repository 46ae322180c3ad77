"""Dashboard tiles: reportable measures awaiting a report, and those past their deadline (Art 17).

Both tiles come from one aggregate query per page view; the overdue cut-off (a walk over the
working-day calendar) is cached for ten minutes per day, so a holiday edited by a supervisor
reaches the tile within that time.
"""

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import selectors


def _counts(request) -> dict:
    counts = getattr(request, "_reports_measure_counts", None)
    if counts is None:
        key = f"reports:overdue_before:{timezone.localdate()}:{selectors.deadline_days()}"
        cutoff = cache.get_or_set(key, selectors.overdue_before, 600)
        counts = selectors.awaiting_measures().aggregate(
            awaiting=Count("id"), overdue=Count("id", filter=Q(effective_from__lt=cutoff)))
        request._reports_measure_counts = counts
    return counts


def awaiting_panel(request):
    if not request.user.has_perm("reports.view_regulatorreport"):
        return None
    return {"title": _("待报告的处置措施"), "value": _counts(request)["awaiting"],
            "url": reverse("reports:awaiting_measures")}


def overdue_panel(request):
    if not request.user.has_perm("reports.view_regulatorreport"):
        return None
    return {"title": _("逾期未报告的处置措施"), "value": _counts(request)["overdue"],
            "url": reverse("reports:awaiting_measures") + "?overdue=1"}
