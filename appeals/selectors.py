"""Reads for appeals: the queue, one appeal, the appeals on a case, and the figures."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.choices import OPEN_APPEAL_STATUSES, OVERTURNED, AppealOutcome, AppealStatus
from appeals.models import Appeal
from moderation.choices import MeasureKind


def appeal_list(*, user, status: str = "open"):
    """The queue (open and claimed, oldest answer due first) or the decided appeals."""
    if not user.has_perm("appeals.view_appeal"):
        return Appeal.objects.none()
    qs = Appeal.objects.select_related("measure", "submission", "assignee")
    if status == "decided":
        return qs.filter(status=AppealStatus.DECIDED).order_by("-decided_at", "-id")
    return qs.filter(status__in=OPEN_APPEAL_STATUSES).order_by("answer_due_at", "id")


def appeal_detail(*, pk: int) -> Appeal | None:
    return (Appeal.objects.select_related("measure", "measure__account", "submission", "original_case", "lift",
                                          "new_measure", "assignee", "account")
            .prefetch_related("evidence").filter(pk=pk).first())


def appeals_of_case(case) -> list[Appeal]:
    return list(Appeal.objects.filter(Q(original_case=case) | Q(measure__case=case))
                .select_related("measure", "new_measure").distinct().order_by("-id"))


def _kind_label(key: str) -> str:
    if key in MeasureKind.values:
        return str(MeasureKind(key).label)
    return str(_("不予注册") if key.endswith("registration") else _("不予变更"))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def appeal_figures(*, since=None) -> dict:
    """Appeals by outcome; overturn rate (lifted or changed among decided) by the appealed kind and
    by the deciding moderator (a quality signal for supervisors); on-time rate of the answers."""
    qs = Appeal.objects.all()
    if since is not None:
        qs = qs.filter(filed_at__gte=since)
    by_outcome = dict.fromkeys(AppealOutcome.values, 0)
    by_outcome["open"] = 0
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    deciders: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = qs.values("status", "outcome", "subject_kind", "original_decider_label").annotate(n=Count("id"))
    for row in rows:
        if row["status"] != AppealStatus.DECIDED:
            by_outcome["open"] += row["n"]
            continue
        by_outcome[row["outcome"]] += row["n"]
        overturned = row["n"] if row["outcome"] in OVERTURNED else 0
        for store, key in ((kinds, row["subject_kind"]), (deciders, row["original_decider_label"] or "—")):
            store[key][0] += row["n"]
            store[key][1] += overturned
    decided = qs.filter(status=AppealStatus.DECIDED)
    total = decided.count()
    on_time = decided.filter(decided_at__lte=F("answer_due_at")).count()
    overdue_open = qs.filter(status__in=OPEN_APPEAL_STATUSES, answer_due_at__lt=timezone.now()).count()
    return {
        "by_outcome": by_outcome,
        "decided": total,
        "overturn_rate": _rate(by_outcome[AppealOutcome.LIFTED] + by_outcome[AppealOutcome.CHANGED], total),
        "by_kind": sorted(({"key": k, "label": _kind_label(k), "decided": d, "overturned": o, "rate": _rate(o, d)}
                           for k, (d, o) in kinds.items()), key=lambda r: r["key"]),
        "by_decider": sorted(({"key": k, "decided": d, "overturned": o, "rate": _rate(o, d)}
                              for k, (d, o) in deciders.items()), key=lambda r: (-(r["rate"] or 0), r["key"])),
        "on_time": on_time,
        "on_time_rate": _rate(on_time, total),
        "overdue_open": overdue_open,
    }
