"""Periodic report: staff numbers by role at the time of generation (审核人员配备)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.roles import ROLE_LABELS
from reports.sections.base import Section


def periodic(report):
    counts = dict(get_user_model().objects.filter(is_active=True, groups__name__in=list(ROLE_LABELS))
                  .order_by().values_list("groups__name").annotate(n=Count("id", filter=Q(is_active=True))))
    rows = [[str(label), counts.get(role, 0)] for role, label in ROLE_LABELS.items()]
    yield Section("staff", _("人员（按角色）"), [_("角色"), _("在岗人数")], rows, [16, 12],
                  note=_("生成报告时的在岗人数；一人可兼任多个角色。"))
