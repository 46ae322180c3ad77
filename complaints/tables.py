"""Complaint queue table."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from core.templatetags.deadlines import format_deadline


class ComplaintTable(tables.Table):
    tracking_code = tables.Column(linkify=("complaints:complaint_detail", {"pk": tables.A("pk")}),
                                  verbose_name=_("查询码"))
    category = tables.Column(verbose_name=_("类别"))
    target = tables.Column(accessor="target_key", verbose_name=_("被投诉账号"))
    status = tables.TemplateColumn(
        '<span class="badge cstatus-{{ record.status }}">{{ record.get_status_display }}</span>', verbose_name=_("状态"))
    next_due_at = tables.Column(verbose_name=_("当前时限"), default="—")
    report_count = tables.Column(verbose_name=_("投诉数"))
    assignee = tables.Column(accessor="assignee__username", verbose_name=_("处理人"), default="—")
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("收到时间"))

    class Meta:
        model = Complaint
        fields = ("tracking_code", "category", "target", "status", "next_due_at", "report_count", "assignee",
                  "received_at")
        orderable = False
        empty_text = _("没有符合条件的投诉")
        row_attrs = {"class": lambda record: "deprioritised" if record.deprioritised else ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = timezone.now()

    def render_target(self, value, record):
        if record.account_id:
            return format_html('<span class="mono">{}</span> <span class="muted">{}</span>',
                               record.account.uid, record.account.name)
        return format_html('<span class="muted" title="{}">{}</span>', _("未匹配到账号"), record.target_text[:60])

    def render_next_due_at(self, value, record):
        css = "overdue" if value < self._now else ("due-soon" if record.sla_flag == "due_soon" else "")
        return format_html('<span class="due {}">{}</span>', css,
                           format_deadline(value, "m-d H:i", request=getattr(self, "request", None)))
