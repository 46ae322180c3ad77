"""What moderation's audit event codes mean, in words staff read (the code stays the stable key).

Registered with ``core.registry`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "case.claim_expired": _("领取超时，工单退回"),
    "credit.recovered": _("无违规期间恢复信用分"),
    "credit_policy.published": _("发布信用评价政策"),
    "case.claimed": _("领取工单"),
    "case.closed": _("关闭工单"),
    "case.decided": _("作出决定"),
    "case.note_added": _("添加内部备注"),
    "case.opened": _("开立工单"),
    "case.reassigned": _("改派工单"),
    "case.released": _("释放工单"),
    "case.source_attached": _("新来源并入工单"),
    "measure.applied": _("采取处置措施"),
    "measure.approved": _("批准处置措施"),
    "measure.lifted": _("解除处置措施"),
    "measure.proposed": _("提出处置措施"),
    "measure.refused": _("不批准处置措施"),
    "pause.lifted": _("解除暂停"),
    "pause.set": _("暂停注册或变更"),
    "reason_template.saved": _("保存理由模板"),
    "rule_term.disabled": _("停用词条"),
    "rule_term.enabled": _("启用词条"),
    "rule_term.saved": _("保存词条"),
    "submission.approved": _("提交审核通过"),
    "submission.received": _("收到注册或变更提交"),
    "submission.refused": _("提交审核驳回"),
    "submission.overturned": _("推翻自动驳回的提交"),
    "saved_view.saved": _("保存队列视图"),
    "case.decision_undone": _("撤销工单决定"),
    "case.reopened": _("重新打开工单"),
    "saved_view.deleted": _("删除队列视图"),
}

# Prefixes the audit log offers as "every event of a kind".
EVENT_GROUPS = {
    "case.": _("审核工单"),
    "credit": _("信用评价"),
    "measure.": _("处置措施"),
    "pause.": _("暂停开关"),
    "rule_term.": _("规则词条"),
    "submission.": _("注册与变更提交"),
    "reason_template.": _("驳回理由模板"),
    "saved_view.": _("队列视图"),
}
