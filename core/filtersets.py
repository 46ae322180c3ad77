import django_filters
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry
from core.registry import registry


def _event_choices():
    # Groups first (every event of a kind), then each event: staff pick words, not codes.
    groups = [(prefix, _("%(group)s：全部事件") % {"group": label}) for prefix, label in registry.event_groups.items()]
    events = [(code, f"{label} ({code})") for code, label in sorted(registry.event_labels.items())]
    return [(_("类别"), groups), (_("事件"), events)]


def _project_app_labels() -> set[str]:
    """Our own apps (not Django's or third parties'): the ones whose code lives in this project."""
    base = str(settings.BASE_DIR)
    return {c.label for c in apps.get_app_configs() if str(c.path).startswith(base) and ".venv" not in str(c.path)}


def _subject_choices():
    ours = _project_app_labels()
    return sorted(((m._meta.label_lower, f"{m._meta.verbose_name} ({m._meta.label_lower})")
                   for m in apps.get_models() if m._meta.app_label in ours), key=lambda c: c[0])


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
