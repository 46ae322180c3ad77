import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


class AuditEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="exact", label=_("操作者"))
    event = django_filters.CharFilter(field_name="event", lookup_expr="startswith", label=_("事件"))
    subject_type = django_filters.CharFilter(field_name="subject_type", label=_("对象类型"))
    subject_id = django_filters.CharFilter(field_name="subject_id", label=_("对象ID"))
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("开始日期"))
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("结束日期"))

    class Meta:
        model = AuditEntry
        fields = ["actor", "event", "subject_type", "subject_id", "since", "until"]
