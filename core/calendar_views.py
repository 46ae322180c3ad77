"""The working-day calendar page: each year's status, the computed statutory holidays next to the
entered notice, entering days and confirming a year (issue 19). Every app's deadlines use it, so
it lives in core; staff of every role may read it (the 暂定 marks on deadlines link here), only
supervisors change it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import holidays, workdays
from core.errors import ServiceError
from core.forms import ConfirmYearForm, HolidayForm
from core.models import Holiday


def _years() -> list[int]:
    today = timezone.localdate()
    return list(range(today.year - 1, today.year + 3))


def _selected_year(value: str | None) -> int:
    """The year asked for in the query string, else the first provisional year from now."""
    years = _years()
    try:
        year = int(value) if value else None
    except ValueError:
        year = None
    if year is not None and holidays.EARLIEST_YEAR <= year <= years[-1] + 7:
        return year
    cal = workdays.WorkCalendar()
    return next((y for y in years[1:] if cal.year_status(y) == workdays.PROVISIONAL), years[1])


def _back(year: int):
    return redirect(f"{reverse('core:calendar')}?year={year}")


def _apply_errors(form, exc: ServiceError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@permission_required("core.view_holiday", raise_exception=True)
def calendar(request):
    year = _selected_year(request.GET.get("year"))
    form = HolidayForm(request.POST or None) if request.POST.get("intent") == "set" else HolidayForm()
    confirm_form = ConfirmYearForm(request.POST) if request.POST.get("intent") == "confirm" else ConfirmYearForm()
    status = 200
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == "set":
            if not request.user.has_perm("core.add_holiday"):
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                try:
                    saved = holidays.holiday_set(actor=request.user, date=data["date"], until=data.get("until"),
                                                 kind=data["kind"], name=data["name"])
                except ServiceError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(request, _("已保存 %(n)s 天；该年份的时限将按新安排重算。") % {"n": len(saved)})
                    return _back(data["date"].year)
        elif intent == "confirm":
            if not request.user.has_perm("core.confirm_holidayyear"):
                raise PermissionDenied
            try:
                year = int(request.POST.get("year", ""))  # never a default: confirm exactly the year shown
            except ValueError:
                return HttpResponseBadRequest(_("缺少年份"))
            if confirm_form.is_valid():
                try:
                    holidays.holiday_year_confirm(actor=request.user, year=year,
                                                  notice=confirm_form.cleaned_data["notice"])
                except ServiceError as exc:
                    _apply_errors(confirm_form, exc)
                else:
                    messages.success(request, _("已确认 %(year)s 年安排；落在该年的未办结时限已重算。") % {"year": year})
                    return _back(year)
        else:
            return HttpResponseBadRequest(_("未知的操作"))
        status = 400
    return render(request, "core/calendar.html", {
        "title": _("节假日与调休"),
        "coverage": workdays.coverage(_years()),
        "overview": holidays.year_overview(year),
        "year": year,
        "form": form,
        "confirm_form": confirm_form,
        "can_edit": request.user.has_perm("core.add_holiday"),
        "can_delete": request.user.has_perm("core.delete_holiday"),
        "can_confirm": request.user.has_perm("core.confirm_holidayyear"),
    }, status=status)


@require_POST
@permission_required("core.delete_holiday", raise_exception=True)
def calendar_delete(request, pk):
    holiday = get_object_or_404(Holiday, pk=pk)
    year = holiday.date.year
    try:
        holidays.holiday_delete(actor=request.user, holiday=holiday)
        messages.success(request, _("已删除 %(date)s") % {"date": holiday.date.isoformat()})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return _back(year)
