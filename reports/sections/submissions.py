"""Periodic report: registrations and changes checked (Art 10), by outcome and by article."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from moderation.choices import Decision, SubmissionKind, SubmissionStatus
from moderation.models import Submission
from moderation.services.notices import ARTICLE_TITLES
from reports.sections.base import Section
from reports.sections.period import bounds


def periodic(report):
    since, until = bounds(report)
    qs = Submission.objects.filter(created_at__gte=since, created_at__lt=until)
    by_kind = {row["kind"]: row for row in qs.order_by().values("kind").annotate(
        total=Count("id"),
        allow=Count("id", filter=Q(decision=Decision.ALLOW)),
        review=Count("id", filter=Q(decision=Decision.REVIEW)),
        strict=Count("id", filter=Q(decision=Decision.STRICT_REVIEW)),
        reject=Count("id", filter=Q(decision=Decision.REJECT)),
        approved=Count("id", filter=Q(status=SubmissionStatus.APPROVED)),
        refused=Count("id", filter=Q(status=SubmissionStatus.REFUSED)),
        pending=Count("id", filter=Q(status=SubmissionStatus.PENDING)),
    )}
    rows = []
    for kind in SubmissionKind:
        r = by_kind.get(kind.value, {})
        rows.append([kind.label, *(r.get(k, 0) for k in ("total", "allow", "review", "strict", "reject", "approved",
                                                          "refused", "pending"))])
    yield Section("submissions", _("注册与变更核验"),
                  [_("类型"), _("提交总数"), _("直接通过"), _("送人工核验"), _("从严核验"), _("直接不予注册或变更"),
                   _("核验后通过"), _("核验后驳回"), _("期末待核验")], rows, [14] + [12] * 8)

    counts: dict[str, Counter] = {}
    for decision, findings in qs.values_list("decision", "findings").iterator(chunk_size=2000):
        for code in {f.get("article") for f in findings or () if isinstance(f, dict) and f.get("article")}:
            counts.setdefault(code, Counter())["total"] += 1
            counts[code][decision] += 1
    article_rows = [[code, _(ARTICLE_TITLES.get(code, code)), c["total"], c[Decision.REJECT],
                     c[Decision.REVIEW] + c[Decision.STRICT_REVIEW]] for code, c in sorted(counts.items())]
    yield Section("submissions_by_article", _("核验发现（按条款）"),
                  [_("条款"), _("说明"), _("涉及提交"), _("其中不予注册或变更"), _("其中送人工核验")], article_rows,
                  [8, 48, 12, 16, 16])
