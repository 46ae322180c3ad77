"""Periodic report: Art 17 measures taken in the period, by kind and by article; lifted and
expired ones (appeals against them: reports/sections/appeals.py)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from moderation.choices import MeasureKind, MeasureState
from moderation.models import Measure
from moderation.services.notices import ARTICLE_TITLES
from reports.sections.base import Section
from reports.sections.period import bounds


def periodic(report):
    since, until = bounds(report)
    applied = Measure.objects.filter(action=Measure.Action.APPLY, created_at__gte=since, created_at__lt=until)
    taken = {r["kind"]: r for r in applied.order_by().values("kind").annotate(
        effective=Count("id", filter=Q(effective_from__isnull=False)),
        refused=Count("id", filter=Q(state=MeasureState.REFUSED)),
        pending=Count("id", filter=Q(state=MeasureState.PENDING_APPROVAL)),
        reportable=Count("id", filter=Q(reportable=True, effective_from__isnull=False)),
    )}
    ends = {r["kind"]: r for r in Measure.objects.filter(
        action=Measure.Action.LIFT, created_at__gte=since, created_at__lt=until).order_by().values("kind").annotate(
        lifted=Count("id", filter=Q(state=MeasureState.LIFTED)),
        expired=Count("id", filter=Q(state=MeasureState.EXPIRED)),
        escalated=Count("id", filter=Q(state=MeasureState.ESCALATED)),
    )}
    rows = []
    for kind in MeasureKind:
        t, e = taken.get(kind.value, {}), ends.get(kind.value, {})
        rows.append([kind.label, t.get("effective", 0), t.get("pending", 0), t.get("refused", 0),
                     e.get("lifted", 0), e.get("expired", 0), e.get("escalated", 0), t.get("reportable", 0)])
    yield Section("measures", _("处置措施（按措施）"),
                  [_("措施"), _("采取并生效"), _("期末待批准"), _("复核未批准"), _("解除"), _("到期"),
                   _("逾期未改正升级"), _("需向主管部门报告")], rows, [16] + [12] * 7)

    counts: dict[str, Counter] = {}
    for kind, basis in applied.filter(effective_from__isnull=False).values_list("kind", "legal_basis").iterator(
            chunk_size=2000):
        for code in set(basis or ()):
            counts.setdefault(code, Counter())[kind] += 1
    labels = [k.label for k in MeasureKind]
    article_rows = [[code, _(ARTICLE_TITLES.get(code, code)), sum(c.values()), *(c[k.value] for k in MeasureKind)]
                    for code, c in sorted(counts.items())]
    yield Section("measures_by_article", _("处置措施（按条款）"), [_("条款"), _("说明"), _("合计"), *labels],
                  article_rows, [8, 48, 10] + [12] * len(labels))
