import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.events import EVENT_LABELS
from core.models import AuditEntry

# Groups first (every event of a kind), then each event: staff pick words, not codes.
_GROUPS = {"account": _("账号"), "case": _("审核工单"), "complaint": _("投诉"), "identity": _("实名认证"),
           "measure": _("处置措施"), "pause": _("暂停开关"), "qualification": _("资质认证"),
           "org_certification": _("机构认证"), "rule_term": _("规则词条"), "submission": _("注册与变更提交")}


def _event_choices():
    groups = [(f"{prefix}.", _("%(group)s：全部事件") % {"group": label}) for prefix, label in _GROUPS.items()]
    events = [(code, f"{label} ({code})") for code, label in sorted(EVENT_LABELS.items())]
    return [(_("类别"), groups), (_("事件"), events)]


def _subject_choices():
    return sorted(((m._meta.label_lower, f"{m._meta.verbose_name} ({m._meta.label_lower})")
                   for m in apps.get_models() if m._meta.app_label in ("accounts", "moderation", "complaints", "core")),
                  key=lambda c: c[0])


class AuditEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="exact", label=_("操作者"))
    event = django_filters.ChoiceFilter(choices=_event_choices, method="filter_event", label=_("事件"),
                                        empty_label=_("全部"))
    subject_type = django_filters.ChoiceFilter(field_name="subject_type", choices=_subject_choices,
                                               label=_("对象类型"), empty_label=_("全部"))
    subject_id = django_filters.CharFilter(field_name="subject_id", label=_("对象ID"))
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("开始日期"))
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("结束日期"))

    class Meta:
        model = AuditEntry
        fields = ["actor", "event", "subject_type", "subject_id", "since", "until"]

    def filter_event(self, queryset, name, value):
        if value.endswith("."):
            return queryset.filter(event__startswith=value)
        return queryset.filter(event=value)
