"""Queue, measure and rule-term filters, shared by the pages and the selectors."""

from __future__ import annotations

import datetime as dt
import json

import django_filters
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from moderation.choices import (
    OPEN_CASE_STATUSES,
    CaseReason,
    CaseStatus,
    Decision,
    MeasureKind,
    MeasureState,
    SubmissionKind,
    SubmissionStatus,
)
from moderation.models import Measure, ReviewCase, RuleTerm, Submission
from moderation.services.notices import ARTICLE_TITLES

ARTICLE_CHOICES = [(code, format_lazy("{} · {}", code, _(title))) for code, title in ARTICLE_TITLES.items()]
DUE_CHOICES = [("overdue", _("已逾期")), ("today", _("今天到期")), ("later", _("今天以后"))]
AGE_CHOICES = [("1h", _("1 小时内")), ("24h", _("1–24 小时")), ("3d", _("1–3 天")), ("old", _("3 天以上"))]
STATUS_CHOICES = [*CaseStatus.choices, ("all", _("全部"))]


def _created_range():
    return django_filters.DateFromToRangeFilter(field_name="created_at", label=_("日期（从–到）"),
                                                widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))


def _contains_article(queryset, field: str, value: str, *, in_dicts: bool):
    """Rows whose JSON list ``field`` holds the article code (as an item or an item's ``article``)."""
    item = {"article": value} if in_dicts else value
    if connection.features.supports_json_field_contains:
        return queryset.filter(**{f"{field}__contains": [item]})
    # SQLite (the embedded demo) has no JSON containment: match the quoted code in the text.
    return queryset.filter(**{f"{field}__icontains": json.dumps(value)})


class ReviewCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("UID / 工单号 / 账号名称"))
    reason = django_filters.ChoiceFilter(choices=CaseReason.choices, label=_("原因"))
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label=_("状态"),
                                         empty_label=_("未决（待领取+处理中）"))
    priority = django_filters.RangeFilter(label=_("优先级（从–到）"))
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("截止"))
    article = django_filters.ChoiceFilter(choices=ARTICLE_CHOICES, method="filter_article", label=_("条款"))
    assignee = django_filters.CharFilter(method="filter_assignee", label=_("处理人（我 / 未分配 / 用户名）"))
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label=_("已等待"))

    class Meta:
        model = ReviewCase
        fields = ["q", "reason", "status", "priority", "due", "article", "assignee", "age"]

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.user = user or getattr(request, "user", None)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            # The empty choice reads "未决（待领取+处理中）": the queue, as the page shows it.
            queryset = queryset.filter(status__in=OPEN_CASE_STATUSES)
        return queryset

    def search(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if not value:
            return queryset
        cond = Q(subject_uid=value)
        if value.isdigit() and len(value) < 10:
            cond |= Q(pk=int(value))
        if len(value) >= 2:
            # name text: the account_name_trgm GIN index (accounts 0003) serves it on PostgreSQL
            cond |= Q(account__name__contains=value)
        return queryset.filter(cond)

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        end_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.max))
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        if value == "today":
            return queryset.filter(due_at__gte=now, due_at__lte=end_of_today)
        return queryset.filter(due_at__gt=end_of_today)

    def filter_article(self, queryset, name, value):
        return _contains_article(queryset, "articles", value, in_dicts=False)

    def filter_assignee(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.lower() in ("me", "我"):
            return queryset.filter(assignee=self.user) if self.user is not None else queryset.none()
        if value.lower() in ("unassigned", "未分配"):
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)

    def filter_age(self, queryset, name, value):
        now = timezone.now()
        hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
        if value == "1h":
            return queryset.filter(created_at__gt=now - hour)
        if value == "24h":
            return queryset.filter(created_at__lte=now - hour, created_at__gt=now - day)
        if value == "3d":
            return queryset.filter(created_at__lte=now - day, created_at__gt=now - 3 * day)
        return queryset.filter(created_at__lte=now - 3 * day)


class MeasureFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("账号 UID"))
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices, label=_("措施"))
    state = django_filters.ChoiceFilter(choices=MeasureState.choices, label=_("状态"))
    action = django_filters.ChoiceFilter(choices=Measure.Action.choices, label=_("记录类型"))
    reportable = YesNoFilter(label=_("需报告"))
    created = _created_range()

    class Meta:
        model = Measure
        fields = ["q", "kind", "state", "action", "reportable", "created"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(account__uid=value) if value else queryset


class SubmissionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("平台用户ID"))
    kind = django_filters.ChoiceFilter(choices=SubmissionKind.choices, label=_("类型"))
    decision = django_filters.ChoiceFilter(choices=Decision.choices, label=_("核验结论"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("状态"))
    article = django_filters.ChoiceFilter(choices=ARTICLE_CHOICES, method="filter_article", label=_("条款"))
    rule = django_filters.CharFilter(method="filter_rule", label=_("规则"))
    created = _created_range()

    class Meta:
        model = Submission
        fields = ["q", "kind", "decision", "status", "article", "rule", "created"]

    def filter_rule(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.features.supports_json_field_contains:
            return queryset.filter(findings__contains=[{"rule": value}])
        return queryset.filter(findings__icontains=json.dumps(value))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(uid=value) if value else queryset

    def filter_article(self, queryset, name, value):
        return _contains_article(queryset, "findings", value, in_dicts=True)


class RuleTermFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="term", lookup_expr="contains", label=_("词条"))
    category = django_filters.CharFilter(label=_("类别"))
    article = django_filters.ChoiceFilter(choices=ARTICLE_CHOICES, label=_("条款"))
    severity = django_filters.ChoiceFilter(choices=[c for c in Decision.choices if c[0] != "allow"], label=_("级别"))
    allow = YesNoFilter(label=_("白名单"))
    is_active = YesNoFilter(label=_("启用"))

    class Meta:
        model = RuleTerm
        fields = ["q", "category", "article", "severity", "allow", "is_active"]
