"""Periodic report: pause switches (Art 21 暂停信息更新、用户账号注册) in force during the period."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from moderation.models import PauseSwitch
from reports.sections.base import Section
from reports.sections.period import bounds


def periodic(report):
    since, until = bounds(report)
    pauses = (PauseSwitch.objects.filter(starts_at__lt=until)
              .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))
              .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=since))
              .select_related("created_by").order_by("starts_at"))
    rows = [[p.get_scope_display(), p.get_account_kind_display(), p.reason, p.starts_at, p.ends_at, p.lifted_at,
             p.created_by.username if p.created_by else ""] for p in pauses]
    yield Section("pauses", _("暂停开关"), [_("范围"), _("用户类型"), _("原因"), _("开始"), _("计划结束"), _("解除"),
                                           _("设置人")], rows, [18, 12, 40, 20, 20, 20, 14])
