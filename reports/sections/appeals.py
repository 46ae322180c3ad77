"""Periodic report: appeals against measures and refusals filed in the period, by outcome and by
the kind of measure appealed, with the answers given on time."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from appeals.choices import OPEN_APPEAL_STATUSES, AppealOutcome
from appeals.models import Appeal
from moderation.choices import MeasureKind
from reports.sections.base import Section
from reports.sections.period import bounds

KEYS = ("total", "upheld", "lifted", "changed", "on_time", "still_open")


def periodic(report):
    since, until = bounds(report)
    filed = Appeal.objects.filter(filed_at__gte=since, filed_at__lt=until)
    counts = {r["measure__kind"]: r for r in filed.order_by().values("measure__kind").annotate(
        total=Count("id"),
        upheld=Count("id", filter=Q(outcome=AppealOutcome.UPHELD)),
        lifted=Count("id", filter=Q(outcome=AppealOutcome.LIFTED)),
        changed=Count("id", filter=Q(outcome=AppealOutcome.CHANGED)),
        on_time=Count("id", filter=Q(decided_at__isnull=False, decided_at__lte=F("answer_due_at"))),
        still_open=Count("id", filter=Q(status__in=OPEN_APPEAL_STATUSES)),
    )}
    labels = {k.value: k.label for k in MeasureKind}
    labels[None] = _("注册或变更被驳回")
    rows = [[labels.get(kind, kind), *(r[k] for k in KEYS)]
            for kind, r in sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or ""))]
    rows.append([_("合计"), *(sum(r[k] for r in counts.values()) for k in KEYS)])
    yield Section("appeals", _("申诉（按被申诉措施）"),
                  [_("被申诉措施"), _("收到"), _("维持"), _("撤销"), _("变更为较轻措施"), _("按时答复"), _("期末未办结")],
                  rows, [24] + [12] * len(KEYS))
