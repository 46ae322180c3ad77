"""Dashboard charts of the moderation team (registered in ``MODERATION_CHARTS``): the backlog, cases
opened vs decided, time to decision, measures (Art 17), submissions by verdict and their findings,
and — for supervisors — each moderator's decisions and handling time.

Every number is one aggregate query over an indexed column (live SQL, no roll-up table): open
cases by ``case_open_due_idx``, days by ``case_created_idx`` / ``case_decided_idx``, submissions by
``created_at``; medians use PostgreSQL's ``percentile_cont`` (computed in Python on SQLite).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Period, chart, day_label
from core.workdays import SHANGHAI
from moderation.choices import CaseReason, Decision, MeasureKind, MeasureState
from moderation.filtersets import AGE_CHOICES
from moderation.models import Measure, ReviewCase, Submission
from moderation.selectors import open_cases


def _can_see_cases(request) -> bool:
    return request.user.has_perm("moderation.view_reviewcase")


def _per_day(qs, field: str, period: Period, *, group: str | None = None) -> dict:
    """{(day, group value) or day: count} for rows whose ``field`` lies in the period."""
    qs = qs.filter(**{f"{field}__gte": period.since, f"{field}__lt": period.until})
    values = ["day", group] if group else ["day"]
    rows = qs.annotate(day=TruncDate(field, tzinfo=SHANGHAI)).values(*values).annotate(n=Count("id")).order_by()
    return {(r["day"], r[group]) if group else r["day"]: r["n"] for r in rows}


def backlog_by_reason(request, period: Period):
    if not _can_see_cases(request):
        return None
    counts = dict(open_cases().values_list("reason").annotate(n=Count("id")).order_by())
    reasons = [r for r in CaseReason if counts.get(r)] or list(CaseReason)[:1]
    base = reverse("moderation:case_list")
    return chart("moderation.backlog_reason", _("未决工单：按原因"), labels=[r.label for r in reasons],
                 series=[{"name": _("工单"), "values": [counts.get(r, 0) for r in reasons]}],
                 links=[f"{base}?reason={r.value}" for r in reasons], url=base)


def backlog_by_age(request, period: Period):
    if not _can_see_cases(request):
        return None
    now = timezone.now()
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    bands = {"1h": Q(created_at__gt=now - hour), "24h": Q(created_at__lte=now - hour, created_at__gt=now - day),
             "3d": Q(created_at__lte=now - day, created_at__gt=now - 3 * day), "old": Q(created_at__lte=now - 3 * day)}
    aggregates = {key: Count("id", filter=cond) for key, cond in bands.items()}
    aggregates["overdue"] = Count("id", filter=Q(due_at__lt=now))
    counts = open_cases().aggregate(**aggregates)
    base = reverse("moderation:case_list")
    return chart("moderation.backlog_age", _("未决工单：按已等待时间"), labels=[label for _k, label in AGE_CHOICES],
                 series=[{"name": _("工单"), "values": [counts[k] for k, _label in AGE_CHOICES]}],
                 links=[f"{base}?age={k}" for k, _label in AGE_CHOICES], url=f"{base}?due=overdue",
                 note=_("其中已逾期 %(n)s 件") % {"n": counts["overdue"]})


def cases_opened_decided(request, period: Period):
    if not _can_see_cases(request):
        return None
    opened = _per_day(ReviewCase.objects.all(), "created_at", period)
    decided = _per_day(ReviewCase.objects.filter(decided_at__isnull=False), "decided_at", period)
    days = period.days()
    return chart("moderation.cases_per_day", _("每日新开与已决定工单"), labels=[day_label(d) for d in days],
                 series=[{"name": _("新开"), "values": [opened.get(d, 0) for d in days]},
                         {"name": _("已决定"), "values": [decided.get(d, 0) for d in days]}],
                 kind="line", url=reverse("moderation:case_list") + "?status=all")


_MEDIAN_SQL = """
SELECT {group}, percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (decided_at - {start})))
  FROM moderation_reviewcase
 WHERE decided_at >= %s AND decided_at < %s AND {start} IS NOT NULL {extra}
 GROUP BY 1"""


def _medians(period: Period, *, group: str, start: str, extra: str = "") -> dict:
    """Median seconds from ``start`` to the decision, grouped by the SQL expression ``group``
    (``day``: the Beijing calendar day of the decision; ``decided_by_id``)."""
    if connection.vendor == "postgresql":
        expr = "(decided_at AT TIME ZONE 'Asia/Shanghai')::date" if group == "day" else group
        with connection.cursor() as cur:
            cur.execute(_MEDIAN_SQL.format(group=expr, start=start, extra=extra), [period.since, period.until])
            return {key: float(value) for key, value in cur.fetchall()}
    buckets: dict = defaultdict(list)
    qs = ReviewCase.objects.filter(decided_at__gte=period.since, decided_at__lt=period.until,
                                   **{f"{start}__isnull": False})
    if extra:
        qs = qs.filter(decided_by__isnull=False)
    for decided_at, began, by in qs.values_list("decided_at", start, "decided_by_id"):
        key = timezone.localtime(decided_at, SHANGHAI).date() if group == "day" else by
        buckets[key].append((decided_at - began).total_seconds())
    return {key: statistics.median(values) for key, values in buckets.items()}


def median_time_to_decision(request, period: Period):
    if not _can_see_cases(request):
        return None
    medians = _medians(period, group="day", start="created_at")
    days = period.days()
    return chart("moderation.median_decision", _("工单从创建到决定的中位时长（小时）"),
                 labels=[day_label(d) for d in days], kind="line", unit="h",
                 series=[{"name": _("中位时长"), "values": [round(medians[d] / 3600, 1) if d in medians else 0
                                                         for d in days]}],
                 url=reverse("moderation:case_list") + "?status=decided")


def measures_by_kind_per_week(request, period: Period):
    if not request.user.has_perm("moderation.view_measure"):
        return None
    rows = (Measure.objects.filter(action=Measure.Action.APPLY, created_at__gte=period.since,
                                   created_at__lt=period.until)
            .annotate(day=TruncDate("created_at", tzinfo=SHANGHAI)).values("day", "kind").annotate(n=Count("id"))
            .order_by())
    weeks = period.weeks()
    counts: Counter = Counter()
    for r in rows:
        counts[(r["day"] - dt.timedelta(days=r["day"].weekday()), r["kind"])] += r["n"]
    kinds = [k for k in MeasureKind if any(key[1] == k for key in counts)] or [MeasureKind.WARNING]
    base = reverse("moderation:measure_list")
    return chart("moderation.measures_week", _("每周处置措施：按种类"), labels=[day_label(w) for w in weeks],
                 series=[{"name": k.label, "values": [counts.get((w, k.value), 0) for w in weeks]} for k in kinds],
                 url=f"{base}?action=apply")


_ARTICLES_SQL = """
SELECT a, count(DISTINCT m.id) FROM moderation_measure m, jsonb_array_elements_text(m.legal_basis) a
 WHERE m.action = 'apply' AND m.created_at >= %s AND m.created_at < %s
 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"""


def top_measure_articles(request, period: Period):
    if not request.user.has_perm("moderation.view_measure"):
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(_ARTICLES_SQL, [period.since, period.until])
            top = cur.fetchall()
    else:
        counts: Counter = Counter()
        for basis in Measure.objects.filter(action=Measure.Action.APPLY, created_at__gte=period.since,
                                            created_at__lt=period.until).values_list("legal_basis", flat=True):
            counts.update(set(basis or []))
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    base = reverse("moderation:measure_list")
    return chart("moderation.measure_articles", _("处置措施最常引用的条款"), labels=[f"Art {a}" for a, _n in top],
                 series=[{"name": _("措施"), "values": [n for _a, n in top]}], url=f"{base}?action=apply")


def overdue_corrections_tile(request):
    """Correction orders not corrected in time (escalated by the sweep, or past due awaiting it)."""
    if not request.user.has_perm("moderation.view_measure"):
        return None
    count = Measure.objects.filter(
        Q(state=MeasureState.ESCALATED) | Q(state=MeasureState.ACTIVE, expires_at__lt=timezone.now()),
        kind=MeasureKind.CORRECTION_ORDER).count()
    return {"title": _("逾期未改正的限期改正"), "value": count,
            "url": reverse("moderation:measure_list") + "?kind=correction_order&state=escalated"}


def submissions_by_verdict(request, period: Period):
    if not request.user.has_perm("moderation.view_submission"):
        return None
    counts = _per_day(Submission.objects.all(), "created_at", period, group="decision")
    days = period.days()
    base = reverse("moderation:submission_list")
    return chart("moderation.submissions_day", _("每日提交：按核验结论"), labels=[day_label(d) for d in days],
                 series=[{"name": d.label, "values": [counts.get((day, d.value), 0) for day in days]} for d in Decision],
                 url=base)


_FINDINGS_SQL = """
SELECT f->>'article', count(*) FROM moderation_submission s, jsonb_array_elements(s.findings) f
 WHERE s.created_at >= %s AND s.created_at < %s AND s.decision <> 'allow'
 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"""


def top_findings(request, period: Period):
    if not request.user.has_perm("moderation.view_submission"):
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(_FINDINGS_SQL, [period.since, period.until])
            top = cur.fetchall()
    else:
        counts: Counter = Counter()
        for findings in Submission.objects.filter(created_at__gte=period.since, created_at__lt=period.until).exclude(
                decision=Decision.ALLOW).values_list("findings", flat=True):
            counts.update(f.get("article", "") for f in findings)
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    base = reverse("moderation:submission_list")
    return chart("moderation.top_findings", _("未直接通过的提交：最常见的发现（条款）"),
                 labels=[f"Art {a}" for a, _n in top], series=[{"name": _("发现"), "values": [n for _a, n in top]}],
                 links=[f"{base}?article={a}" for a, _n in top], url=base)


def _team_visible(request) -> bool:
    return request.user.has_perm("moderation.approve_measure")  # supervisors only


def decisions_per_moderator(request, period: Period):
    if not _team_visible(request):
        return None
    counts = _per_day(ReviewCase.objects.filter(decided_by__isnull=False), "decided_at", period,
                      group="decided_by__username")
    totals: Counter = Counter()
    for (_day, name), n in counts.items():
        totals[name] += n
    names = [name for name, _n in totals.most_common(8)]
    days = period.days()
    return chart("moderation.team_decisions", _("团队：每人每日决定数"), labels=[day_label(d) for d in days],
                 series=[{"name": name, "values": [counts.get((d, name), 0) for d in days]} for name in names],
                 url=reverse("moderation:case_list") + "?status=decided")


def handling_time_per_moderator(request, period: Period):
    if not _team_visible(request):
        return None
    medians = _medians(period, group="decided_by_id", start="claimed_at", extra="AND decided_by_id IS NOT NULL")
    from django.contrib.auth import get_user_model

    names = dict(get_user_model().objects.filter(pk__in=list(medians)).values_list("pk", "username"))
    order = sorted(medians, key=lambda pk: names.get(pk, ""))
    base = reverse("moderation:case_list")
    return chart("moderation.team_handling", _("团队：领取到决定的中位处理时长（分钟）"),
                 labels=[names.get(pk, "?") for pk in order], unit="min",
                 series=[{"name": _("中位时长"), "values": [round(medians[pk] / 60, 1) for pk in order]}],
                 links=[f"{base}?status=decided&assignee={names.get(pk, '')}" for pk in order], url=base)


MODERATION_CHARTS = [
    (backlog_by_reason, 20), (backlog_by_age, 21), (cases_opened_decided, 22), (median_time_to_decision, 23),
    (measures_by_kind_per_week, 30), (top_measure_articles, 31), (submissions_by_verdict, 40), (top_findings, 41),
    (decisions_per_moderator, 80), (handling_time_per_moderator, 81),
]
