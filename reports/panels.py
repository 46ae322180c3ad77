"""Dashboard tiles: reportable measures awaiting a report, and those past their deadline (Art 17)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from reports import selectors


def awaiting_panel(request):
    if not request.user.has_perm("reports.view_regulatorreport"):
        return None
    return {"title": _("待报告的处置措施"), "value": selectors.awaiting_measures().count(),
            "url": reverse("reports:awaiting_measures")}


def overdue_panel(request):
    if not request.user.has_perm("reports.view_regulatorreport"):
        return None
    return {"title": _("逾期未报告的处置措施"), "value": selectors.overdue_measures().count(),
            "url": reverse("reports:awaiting_measures") + "?overdue=1"}
