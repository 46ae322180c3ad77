"""Periodic report: Art 15 dynamic rechecks of existing accounts in the period — the runs and their
counts, findings by article, and the correction deadlines opened, met and missed."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from moderation.services.notices import ARTICLE_TITLES
from rechecks.choices import CorrectionState, Outcome, RunStatus
from rechecks.models import RecheckCorrection, RecheckResult, RecheckRun
from reports.sections.base import Section
from reports.sections.period import bounds

RUN_KEYS = ("runs", "finished", "checked", "clean", "flagged", "errors", "cases_opened", "suspended")


def periodic(report):
    since, until = bounds(report)
    runs = RecheckRun.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        runs=Count("id"), finished=Count("id", filter=Q(status=RunStatus.FINISHED)),
        checked=Sum("checked"), clean=Sum("clean"), flagged=Sum("flagged"), errors=Sum("errors"),
        cases_opened=Sum("cases_opened"), suspended=Sum("suspended"))
    yield Section("rechecks", _("存量账号动态核验（第十五条）"),
                  [_("核验批次"), _("已完成批次"), _("核验账号"), _("无问题"), _("发现问题"), _("无法核验"),
                   _("开立审核工单"), _("立即暂停")],
                  [[runs[k] or 0 for k in RUN_KEYS]], [12] * len(RUN_KEYS))

    by_article: Counter = Counter()
    results = RecheckResult.objects.filter(checked_at__gte=since, checked_at__lt=until, outcome=Outcome.FLAGGED)
    for articles in results.values_list("articles", flat=True).iterator(chunk_size=2000):
        by_article.update(set(articles or ()))
    corrections = {r["state"]: r["n"] for r in RecheckCorrection.objects.filter(
        created_at__gte=since, created_at__lt=until).order_by().values("state").annotate(n=Count("id"))}
    rows = [[code, _(ARTICLE_TITLES.get(code, code)), n] for code, n in sorted(by_article.items())]
    yield Section("rechecks_by_article", _("动态核验发现问题（按条款）"), [_("条款"), _("说明"), _("账号数")],
                  rows, [8, 48, 12])
    yield Section("recheck_corrections", _("动态核验限期改正"),
                  [_("状态"), _("数量")],
                  [[state.label, corrections.get(state.value, 0)] for state in CorrectionState],
                  [30, 12], note=_("本期确认问题后暂停服务并通知限期改正的账号，按期末状态统计。"))
