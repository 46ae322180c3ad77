"""What the complaint channel's audit event codes mean, in words staff read (the code stays the stable key).

Registered with ``core.registry`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "complaint.accepted": _("受理投诉"),
    "complaint.bad_faith_marked": _("标记恶意投诉"),
    "complaint.case_linked": _("关联审核工单"),
    "complaint.claimed": _("领取投诉"),
    "complaint.closed": _("办结投诉"),
    "complaint.contact_revealed": _("查看投诉人联系方式"),
    "complaint.feedback_sent": _("反馈处理结果"),
    "complaint.merged": _("合并投诉"),
    "complaint.paused": _("暂停计时"),
    "complaint.received": _("收到投诉"),
    "complaint.rejected": _("不予受理"),
    "complaint.released": _("释放投诉"),
    "complaint.resumed": _("恢复计时"),
    "complaint.screened": _("完成初筛"),
    "complaint.screening_started": _("开始初筛"),
    "complaint.sla_flagged": _("时限提醒"),
    "complaint.waiting_for_case": _("等待审核工单决定"),
    "sla_alert.acknowledged": _("确认时限提醒"),
    "sla_policy.updated": _("更新办理时限"),
}

# Prefixes the audit log offers as "every event of a kind".
EVENT_GROUPS = {
    "complaint.": _("投诉"),
    "sla_policy.": _("办理时限"),
    "sla_alert.": _("时限提醒"),
}
