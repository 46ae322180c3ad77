"""Complaint queue filters, shared by the page and the metrics."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import ComplaintCategory, ComplaintStatus, SlaFlag
from complaints.models import Complaint
from core import workdays
from core.filters import YesNoFilter

DUE_CHOICES = [("today", _("今天到期")), ("soon", _("下一工作日内到期")), ("week", _("5 个工作日内到期"))]


def _staff():
    return get_user_model().objects.filter(groups__name__in=["moderator", "supervisor"]).distinct().order_by("username")


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorting by deadline puts complaints without one (answered, closed, paused) last in either
    direction, on PostgreSQL and SQLite alike (they disagree about where NULLs go)."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        column = F(value.removeprefix("-"))
        return column.desc(nulls_last=True) if value.startswith("-") else column.asc(nulls_last=True)


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("查询码 / 被投诉账号"))
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices, label=_("类别"))
    target = django_filters.CharFilter(method="filter_target", label=_("被投诉账号 UID"))
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("到期"))
    overdue = YesNoFilter(method="filter_overdue", label=_("已逾期"))
    flag = django_filters.ChoiceFilter(field_name="sla_flag", choices=SlaFlag.choices, label=_("时限提醒"))
    assignee = django_filters.ModelChoiceFilter(queryset=_staff(), null_label=_("未认领"), label=_("处理人"))
    sort = NullsLastOrderingFilter(
        fields=(("next_due_at", "due"), ("received_at", "received")),
        field_labels={"next_due_at": _("时限"), "received_at": _("收到时间")}, label=_("排序"),
    )

    class Meta:
        model = Complaint
        fields = ["q", "status", "category", "target", "due", "overdue", "flag", "assignee"]

    def search(self, queryset, name, value):
        from complaints.services import normalise_tracking_code

        value = value.strip()
        if not value:
            return queryset
        code = normalise_tracking_code(value)
        cond = Q(target_key=value) | Q(target_key=value.lower()) | Q(target_key__startswith=value.lower())
        if code:
            cond |= Q(tracking_code=code)
        return queryset.filter(cond)

    def filter_target(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(target_key=value) | Q(target_key=value.lower()))

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        days = {"today": 0, "soon": 1, "week": 5}[value]
        until = workdays.end_of_day(workdays.add_working_days(today, days) if days else today)
        return queryset.filter(next_due_at__isnull=False, next_due_at__lte=until)

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        if value:
            return queryset.filter(next_due_at__lt=now)
        return queryset.filter(Q(next_due_at__gte=now) | Q(next_due_at__isnull=True))
