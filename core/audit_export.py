"""The audit log as an export (core.exports): registered in ``CoreConfig.ready()``.

Auditors and supervisors may export it (Art 17 保存有关记录; Art 21 inspections ask for it).
Old and new values can quote personal numbers typed by staff: masked on the way out.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import exports as E
from core.events import event_label
from core.registry import register_export

KEY = "core.audit"


def register() -> None:
    from core.filtersets import AuditEntryFilterSet
    from core.selectors import audit_list

    register_export(KEY, E.ExportSpec(
        key=KEY, title=_("审计记录"), permission="core.view_auditentry", selector=audit_list,
        filterset_class=AuditEntryFilterSet, list_url_name="core:audit_list",
        columns=(
            E.Column(_("编号"), "id", kind=E.INT, width=10),
            E.Column(_("时间"), "created_at", kind=E.DATETIME, width=20),
            E.Column(_("操作者"), "actor_label", width=16),
            E.Column(_("事件"), "event", format=event_label, width=20),
            E.Column(_("事件代码"), "event", width=24),
            E.Column(_("对象类型"), "subject_type", width=22),
            E.Column(_("对象ID"), "subject_id", width=10),
            E.Column(_("对象"), "subject_label", personal=True, width=24),
            E.Column(_("原值"), "old", kind=E.JSON, personal=True, width=40),
            E.Column(_("新值"), "new", kind=E.JSON, personal=True, width=40),
            E.Column(_("来源"), "source", width=8),
            E.Column(_("请求ID"), "request_id", width=18),
            E.Column(_("哈希"), "hash", width=20),
        ),
        sorts={"id": ("id",), "created_at": ("created_at", "id")}, date_field="created_at",
        for_account=lambda qs, account: qs.filter(subject_type=account._meta.label_lower, subject_id=str(account.pk)),
    ))
