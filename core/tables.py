import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


class AuditEntryTable(tables.Table):
    id = tables.Column(verbose_name="#")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("时间"))
    actor_label = tables.Column(verbose_name=_("操作者"))
    event = tables.TemplateColumn(
        "{% load qinglang %}{{ record.event|event_label }} <code class='muted'>{{ record.event }}</code>",
        verbose_name=_("事件"))
    subject = tables.TemplateColumn(
        "{{ record.subject_type }}:{{ record.subject_id }} <span class='muted'>{{ record.subject_label }}</span>",
        verbose_name=_("对象"), orderable=False,
    )
    source = tables.Column(verbose_name=_("来源"))
    changes = tables.TemplateColumn(template_name="core/partials/audit_changes.html", verbose_name=_("变更"),
                                    orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("id", "created_at", "actor_label", "event", "subject", "source", "changes")
        orderable = False
        empty_text = _("没有记录")
