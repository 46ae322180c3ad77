"""The complaint queue as an export (core.exports): registered in ``ComplaintsConfig.ready()``.

Complaint texts and outcomes are written by the public and by staff: personal numbers in them are
masked. The complainant's contact (already masked) is ``sensitive``: only roles the top layer
allows get the column at all (Art 16).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.choices import ComplaintCategory, ComplaintSource, ComplaintStatus
from core import exports as E
from core.registry import register_export

KEY = "complaints.complaints"


def register() -> None:
    from complaints.filtersets import ComplaintFilterSet
    from complaints.selectors import complaint_list

    register_export(KEY, E.ExportSpec(
        key=KEY, title=_("投诉举报"), permission="complaints.view_complaint", selector=complaint_list,
        filterset_class=ComplaintFilterSet, list_url_name="complaints:complaint_list",
        columns=(
            E.Column(_("查询码"), "tracking_code", width=14),
            E.Column(_("类别"), "category", choices=ComplaintCategory.choices, width=30),
            E.Column(_("来源"), "source", choices=ComplaintSource.choices, width=12),
            E.Column(_("被投诉账号"), "target_key", width=20),
            E.Column(_("被投诉账号（原文）"), "target_text", personal=True, width=24),
            E.Column(_("投诉内容"), "description", personal=True, width=40),
            E.Column(_("状态"), "status", choices=ComplaintStatus.choices, width=12),
            E.Column(_("收到时间"), "received_at", kind=E.DATETIME, width=20),
            E.Column(_("受理时限"), "accept_due_at", kind=E.DATETIME, width=20),
            E.Column(_("反馈时限"), "feedback_due_at", kind=E.DATETIME, width=20),
            E.Column(_("当前时限"), "next_due_at", kind=E.DATETIME, width=20),
            E.Column(_("按时受理"), "accept_on_time", kind=E.BOOL, width=10),
            E.Column(_("按时反馈"), "feedback_on_time", kind=E.BOOL, width=10),
            E.Column(_("处理人"), "assignee__username", width=12),
            E.Column(_("合并投诉数"), "report_count", kind=E.INT, width=10),
            E.Column(_("处理结果"), "outcome", personal=True, width=40),
            E.Column(_("联系方式（脱敏）"), "contact_masked", sensitive=True, width=18),
        ),
        date_field="received_at", for_account=lambda qs, account: qs.filter(account=account),
    ))
