"""Reads for the rechecks pages, permission-scoped (moderators, supervisors and auditors read)."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from rechecks.models import RecheckCorrection, RecheckResult, RecheckRun

VIEW = "rechecks.view_recheckrun"


def run_list(*, user) -> QuerySet[RecheckRun]:
    if not user.has_perm(VIEW):
        return RecheckRun.objects.none()
    return RecheckRun.objects.order_by("-id")


def active_runs() -> QuerySet[RecheckRun]:
    return RecheckRun.objects.filter(status__in=["running", "paused"]).order_by("-id")


def run_results(run: RecheckRun, *, limit: int = 200) -> list[RecheckResult]:
    return list(RecheckResult.objects.filter(run=run).select_related("account", "case").order_by("id")[:limit])


def findings_by_article(run: RecheckRun) -> list[tuple[str, int]]:
    """How many accounts had a finding of each article (an account counts once per article)."""
    counts: Counter = Counter()
    for articles in RecheckResult.objects.filter(run=run).values_list("articles", flat=True).iterator(chunk_size=5000):
        counts.update(set(articles))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def run_case_ids(run: RecheckRun, *, limit: int = 200) -> list[int]:
    return list(RecheckResult.objects.filter(run=run, case__isnull=False).order_by("case_id")
                .values_list("case_id", flat=True).distinct()[:limit])


def account_results(account) -> list[RecheckResult]:
    return list(RecheckResult.objects.filter(account=account).select_related("run").order_by("-id")[:20])


def account_corrections(account) -> list[RecheckCorrection]:
    return list(RecheckCorrection.objects.filter(account=account).order_by("-id")[:10])
