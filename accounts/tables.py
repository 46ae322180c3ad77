"""Account list table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from accounts.models import Account


class AccountTable(tables.Table):
    uid = tables.Column(linkify=("accounts:account_detail", {"uid": tables.A("uid")}), verbose_name=_("UID"))
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"))
    is_public_account = tables.BooleanColumn(verbose_name=_("公众号"), yesno="✓,")
    status = tables.TemplateColumn(
        '<span class="badge status-{{ record.status }}">{{ record.get_status_display }}</span>', verbose_name=_("状态")
    )
    ip_location = tables.Column(verbose_name=_("IP属地"), default="—")
    credit_score = tables.Column(verbose_name=_("信用分"))
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("创建时间"))

    class Meta:
        model = Account
        fields = ("uid", "name", "kind", "is_public_account", "status", "ip_location", "credit_score", "created_at")
        orderable = False
        empty_text = _("没有符合条件的账号")
