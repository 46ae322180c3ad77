"""Periodic report: the key figures of the period on one sheet (what a reader looks at first)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from complaints.models import Complaint
from moderation.choices import Decision, MeasureKind
from moderation.models import Measure, PauseSwitch, Submission
from reports.sections.base import Section
from reports.sections.period import bounds


def periodic(report):
    since, until = bounds(report)
    subs = Submission.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        total=Count("id"), refused=Count("id", filter=Q(decision=Decision.REJECT)),
        reviewed=Count("id", filter=Q(decision__in=[Decision.REVIEW, Decision.STRICT_REVIEW])))
    measures = Measure.objects.filter(action=Measure.Action.APPLY, created_at__gte=since, created_at__lt=until,
                                      effective_from__isnull=False).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(kind=MeasureKind.CLOSE)),
        banned=Count("id", filter=Q(kind=MeasureKind.BAN_REREGISTRATION)))
    complaints = Complaint.objects.filter(received_at__gte=since, received_at__lt=until).aggregate(
        total=Count("id"), answered=Count("id", filter=Q(feedback_on_time__isnull=False)),
        on_time=Count("id", filter=Q(feedback_on_time=True)))
    pauses = PauseSwitch.objects.filter(starts_at__lt=until).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=since)).filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=since)).count()
    rate = f"{complaints['on_time'] / complaints['answered']:.1%}" if complaints["answered"] else "—"
    rows = [
        [_("注册与变更提交"), subs["total"]],
        [_("其中送人工核验（含从严核验）"), subs["reviewed"]],
        [_("其中不予注册或变更"), subs["refused"]],
        [_("采取处置措施（已生效）"), measures["total"]],
        [_("其中关闭账号"), measures["closed"]],
        [_("其中禁止重新注册"), measures["banned"]],
        [_("收到投诉举报"), complaints["total"]],
        [_("按时反馈率（已反馈的投诉）"), rate],
        [_("期间生效过的暂停开关"), pauses],
    ]
    yield Section("summary", _("概况"), [_("指标"), _("数值")], rows, [36, 16])
