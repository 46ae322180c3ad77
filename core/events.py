"""What each audit event code means, in words staff read (the code stays the stable key)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "account.created": _("账号注册"),
    "account.info_applied": _("账号信息变更生效"),
    "account.ip_location_changed": _("IP属地变化"),
    "account.status_changed": _("账号状态变化"),
    "accounts.imported": _("批量导入账号"),
    "accounts.seeded": _("生成演示账号"),
    "api_client.created": _("创建接口客户端"),
    "case.claim_expired": _("领取超时，工单退回"),
    "case.claimed": _("领取工单"),
    "case.closed": _("关闭工单"),
    "case.decided": _("作出决定"),
    "case.note_added": _("添加内部备注"),
    "case.opened": _("开立工单"),
    "case.reassigned": _("改派工单"),
    "case.released": _("释放工单"),
    "case.source_attached": _("新来源并入工单"),
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
    "holiday.deleted": _("删除节假日"),
    "holiday.set": _("设置节假日"),
    "identity.revealed": _("查看完整证件号码"),
    "identity.verified": _("实名认证"),
    "measure.approved": _("批准处置措施"),
    "measure.lifted": _("解除处置措施"),
    "measure.proposed": _("提出处置措施"),
    "measure.refused": _("不批准处置措施"),
    "org_certification.decided": _("机构认证决定"),
    "org_certification.submitted": _("提交机构认证"),
    "pause.lifted": _("解除暂停"),
    "pause.set": _("暂停注册或变更"),
    "qualification.decided": _("资质认证决定"),
    "qualification.submitted": _("提交资质认证"),
    "reason_template.saved": _("保存理由模板"),
    "rule_term.enabled": _("启用或停用词条"),
    "rule_term.saved": _("保存词条"),
    "sla_alert.acknowledged": _("确认时限提醒"),
    "sla_policy.updated": _("更新办理时限"),
    "submission.approved": _("提交审核通过"),
    "submission.received": _("收到注册或变更提交"),
    "submission.refused": _("提交审核驳回"),
}


def event_label(code: str) -> str:
    """The words for an event code; an unknown code (say, from a newer version) shows as itself."""
    return str(EVENT_LABELS.get(code, code))
