"""Dashboard charts: the date range every chart shares, and a small server-rendered SVG renderer.

Apps contribute charts through ``core.registry.register_dashboard_chart`` (core never imports
them): ``fn(request, period) -> dict | None`` returning ``chart(...)``. The page draws each as an
inline SVG (no script, no CDN; the text is real text so Chinese renders with the page's fonts),
with the same numbers as a table underneath for screen readers and copying, and a link to the
list the chart summarises with the matching filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.workdays import SHANGHAI

MAX_DAYS = 366
PALETTE = ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#64748b"]


@dataclass(frozen=True)
class Period:
    """Calendar days ``start``..``end`` (inclusive) in Beijing time, as the picker sent them."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def weeks(self) -> list[dt.date]:
        """Mondays of the weeks the period touches."""
        first = self.start - dt.timedelta(days=self.start.weekday())
        return [first + dt.timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)]

    def query(self) -> str:
        return f"start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"


def period_from(params, *, default_days: int = 30) -> tuple[Period, str]:
    """The period from ``?start=&end=`` (YYYY-MM-DD), else the last ``default_days`` days; returns
    (period, error message or "")."""
    today = timezone.localdate()
    default = Period(today - dt.timedelta(days=default_days - 1), today)
    start, end = params.get("start", ""), params.get("end", "")
    if not start and not end:
        return default, ""
    try:
        start_day = dt.date.fromisoformat(start) if start else default.start
        end_day = dt.date.fromisoformat(end) if end else today
    except ValueError:
        return default, _("日期格式应为 YYYY-MM-DD")
    if end_day < start_day:
        return default, _("结束日期早于开始日期")
    if (end_day - start_day).days >= MAX_DAYS:
        return default, _("时间范围最长 %(n)s 天") % {"n": MAX_DAYS}
    return Period(start_day, end_day), ""


def chart(key: str, title, *, labels: list, series: list[dict], url: str = "", links: list[str] | None = None,
          kind: str = "bar", unit: str = "", note: str = "") -> dict:
    """A chart: ``labels`` along the x axis, ``series`` ``[{"name", "values"}]`` (one value per
    label); ``links`` one list URL per label (a bar links to its own filter), ``url`` the whole list."""
    series = [{"name": str(s["name"]), "values": list(s["values"])} for s in series]
    return {"key": key, "title": str(title), "labels": [str(x) for x in labels], "series": series, "url": url,
            "links": links or [], "kind": kind, "unit": unit,
            "total": sum(v or 0 for s in series for v in s["values"]), "note": str(note)}


def day_label(day: dt.date) -> str:
    return f"{day.month}-{day.day}"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def render_svg(spec: dict, *, width: int = 560, height: int = 220) -> str:
    """The chart as inline SVG: stacked bars (``bar``) or lines (``line``), a y scale with three
    grid lines, x labels thinned to fit, a legend, and a <title> per mark for hover."""
    left, right, top, bottom = 44, 8, 10, 46
    labels, series = spec["labels"], spec["series"]
    n = max(len(labels), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    if spec["kind"] in ("line", "grouped"):
        peak = max([v or 0 for s in series for v in s["values"]] or [0])
    else:
        peak = max([sum((s["values"][i] or 0) for s in series) for i in range(len(labels))] or [0])
    peak = peak or 1
    step = plot_w / n
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(spec["title"])}" class="chart" data-chart="{escape(spec["key"])}" '
           f'font-family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif" font-size="11">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{_fmt(peak * frac)}</text>')
    every = max(1, -(-n // 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            x = left + step * (i + 0.5)
            out.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" fill="#374151">'
                       f'{escape(label[:8])}</text>')
    out.append(_marks(spec, left, top, plot_h, step, peak))
    x = left
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{height - 16}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="{height - 7}" fill="#374151">{escape(s["name"])}</text>')
        x += 24 + 12 * len(str(s["name"]))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped


def _marks(spec: dict, left: float, top: float, plot_h: float, step: float, peak: float) -> str:
    out = []
    links = spec["links"]
    if spec["kind"] == "line":
        for j, s in enumerate(spec["series"]):
            colour = PALETTE[j % len(PALETTE)]
            points = " ".join(f"{left + step * (i + 0.5):.1f},{top + plot_h * (1 - (v or 0) / peak):.1f}"
                              for i, v in enumerate(s["values"]))
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, v in enumerate(s["values"]):
                out.append(f'<circle cx="{left + step * (i + 0.5):.1f}" cy="{top + plot_h * (1 - (v or 0) / peak):.1f}" '
                           f'r="2.5" fill="{colour}"><title>{escape(spec["labels"][i])} {escape(s["name"])}: '
                           f'{_fmt(v or 0)}{escape(spec["unit"])}</title></circle>')
        return "".join(out)
    if spec["kind"] == "grouped":
        return _grouped(spec, left, top, plot_h, step, peak)
    bar_w = max(step * 0.7, 1)
    for i, label in enumerate(spec["labels"]):
        base = 0.0
        bars = []
        for j, s in enumerate(spec["series"]):
            v = s["values"][i] or 0
            h = plot_h * v / peak
            y = top + plot_h * (1 - (base + v) / peak)
            base += v
            bars.append(f'<rect x="{left + step * i + (step - bar_w) / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                        f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)} '
                        f'{escape(s["name"])}: {_fmt(v)}{escape(spec["unit"])}</title></rect>')
        if i < len(links) and links[i]:
            out.append(f'<a href="{escape(links[i])}">{"".join(bars)}</a>')
        else:
            out.extend(bars)
    return "".join(out)


def _grouped(spec: dict, left: float, top: float, plot_h: float, step: float, peak: float) -> str:
    """Side-by-side bars (values that must not be added up, such as rates)."""
    out = []
    n = max(len(spec["series"]), 1)
    bar_w = max(step * 0.8 / n, 1)
    for i, label in enumerate(spec["labels"]):
        bars = []
        for j, s in enumerate(spec["series"]):
            v = s["values"][i] or 0
            h = plot_h * v / peak
            bars.append(f'<rect x="{left + step * i + step * 0.1 + bar_w * j:.1f}" y="{top + plot_h - h:.1f}" '
                        f'width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>'
                        f'{escape(label)} {escape(s["name"])}: {_fmt(v)}{escape(spec["unit"])}</title></rect>')
        link = spec["links"][i] if i < len(spec["links"]) else ""
        out.append(f'<a href="{escape(link)}">{"".join(bars)}</a>' if link else "".join(bars))
    return "".join(out)


def cached_charts(store: dict, request, period: Period, *, seconds: int, refresh: bool = False) -> list[dict]:
    """Every registered chart for this request, each cached for ``seconds`` per chart, period,
    language and permission set (a chart's numbers depend on nothing else), so a morning's
    supervisors reloading the page share one computation. 0 seconds: always computed."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    scope = hashlib.sha256(",".join(sorted(request.user.get_all_permissions())).encode()).hexdigest()[:16]
    out = []
    for panel in sorted(store.values(), key=lambda p: p.order):
        key = f"dashboard:chart:{panel.key}:{period.query()}:{get_language()}:{scope}"
        spec = cache.get(key) if seconds and not refresh else None
        if spec is None:
            spec = panel.fn(request, period) or {}
            if seconds:
                cache.set(key, spec, seconds)
        if spec:
            out.append(dict(spec))
    return out


def warm_dashboard() -> int:
    """Scheduled (rqcron, every minute): compute the default-range charts for one user of each
    staff role, so the first supervisor of the morning gets the cached page too. Returns how many
    role pages were warmed."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from django.utils import translation

    from core.registry import registry

    seconds = settings.DASHBOARD_CHART_CACHE_SECONDS
    if not seconds:
        return 0
    period, _error = period_from({})
    warmed = 0
    for role in sorted(registry.role_permissions):
        user = get_user_model().objects.filter(groups__name=role, is_active=True).order_by("id").first()
        if user is None:
            continue
        request = RequestFactory().get("/")
        request.user = user
        with translation.override(settings.LANGUAGE_CODE):
            cached_charts(registry.dashboard_charts, request, period, seconds=seconds, refresh=True)
        warmed += 1
    return warmed
