"""``{% deadline value %}``: a working-day deadline in Beijing time, marked 暂定 while its year's
holiday arrangement is not confirmed (issue 19).

Every page that shows a legal deadline uses it, so no page can show a date computed from the
provisional calendar as if it were final. The mark links to the calendar page (staff), or to the
page given as ``link`` (the public pages link to the published process page instead).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core import workdays

register = template.Library()

_CACHE_ATTR = "_qinglang_confirmed_years"


def confirmed_years_for(request=None) -> frozenset[int]:
    """The confirmed years, read once per request however many deadlines a page shows."""
    if request is not None:
        cached = getattr(request, _CACHE_ATTR, None)
        if cached is None:
            cached = workdays.confirmed_years()
            setattr(request, _CACHE_ATTR, cached)
        return cached
    return workdays.confirmed_years()


def calendar_url(year: int) -> str:
    try:
        return f"{reverse('core:calendar')}?year={year}"
    except NoReverseMatch:  # a URLconf without the staff pages (never in this project's)
        return ""


def format_deadline(value, fmt: str = "Y-m-d H:i", *, request=None, link: str | None = None,
                    confirmed: frozenset[int] | None = None) -> str:
    """The HTML for one deadline; ``—`` for none. ``link=""`` shows the mark without a link."""
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.datetime):
        local = value.astimezone(workdays.SHANGHAI) if value.tzinfo else value
        day = local.date()
    else:
        local = day = value
    text = dateformat.format(local, fmt)
    if confirmed is None:
        confirmed = confirmed_years_for(request)
    if not workdays.is_provisional(day.year, confirmed):
        return format_html('<span class="deadline">{}</span>', text)
    title = _("%(year)s 年节假日安排尚未确认：暂按法定节假日推算，不含调休和补假；确认后自动重算。") % {
        "year": day.year}
    href = calendar_url(day.year) if link is None else link
    mark = (format_html('<a class="provisional" href="{}" title="{}" data-testid="provisional">{}</a>',
                        href, title, _("暂定"))
            if href else format_html('<span class="provisional" title="{}" data-testid="provisional">{}</span>',
                                     title, _("暂定")))
    return format_html('<span class="deadline">{}</span> {}', text, mark)


@register.simple_tag(takes_context=True)
def deadline(context, value, fmt: str = "Y-m-d H:i", link: str | None = None):
    """``{% deadline complaint.feedback_due_at %}``; ``{% deadline d "Y年n月j日" link=url %}``."""
    return format_deadline(value, fmt, request=context.get("request"), link=link)


@register.filter
def iso_datetime(value):
    """An ISO timestamp kept in an audit entry's JSON, as a datetime the ``date`` filter can show."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.astimezone(workdays.SHANGHAI) if parsed.tzinfo else parsed
