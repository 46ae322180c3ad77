"""Statuses, kinds and their allowed transitions for the moderation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionKind(models.TextChoices):
    REGISTRATION = "registration", _("注册")
    CHANGE = "change", _("信息变更")


class Decision(models.TextChoices):
    """Verification outcomes (Art 10): 核验 / 从严核验 / 不予注册或者变更."""

    ALLOW = "allow", _("通过")
    REVIEW = "review", _("人工核验")
    STRICT_REVIEW = "strict_review", _("从严核验")
    REJECT = "reject", _("不予注册或变更")


DECISION_RANK = {Decision.ALLOW: 0, Decision.REVIEW: 1, Decision.STRICT_REVIEW: 2, Decision.REJECT: 3}


class SubmissionStatus(models.TextChoices):
    APPLIED = "applied", _("已生效")
    REJECTED = "rejected", _("已拒绝")
    PENDING = "pending", _("待人工核验")
    APPROVED = "approved", _("核验通过并生效")
    REFUSED = "refused", _("核验未通过")
    SUPERSEDED = "superseded", _("已被新提交取代")
    OVERTURNED = "overturned", _("自动驳回经主管复核改为通过")


class CaseReason(models.TextChoices):
    REGISTRATION = "registration", _("注册核验")
    CHANGE = "change", _("变更核验")
    STRICT_REVIEW = "strict_review", _("从严核验")
    QUALIFICATION = "qualification", _("资质审核")
    ORG_CERTIFICATION = "org_certification", _("机构认证")
    COMPLAINT = "complaint", _("投诉举报")
    RECHECK = "recheck", _("存量复核")
    CREDIT = "credit", _("信用等级")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待领取")
    CLAIMED = "claimed", _("处理中")
    DECIDED = "decided", _("已决定")
    CLOSED = "closed", _("已关闭")


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.CLAIMED)

CASE_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.CLAIMED, CaseStatus.DECIDED, CaseStatus.CLOSED},
    CaseStatus.CLAIMED: {CaseStatus.OPEN, CaseStatus.CLAIMED, CaseStatus.DECIDED},
    # undo (the decider, within the undo window) and a supervisor's reopen; the history stays
    CaseStatus.DECIDED: {CaseStatus.CLOSED, CaseStatus.OPEN, CaseStatus.CLAIMED},
    CaseStatus.CLOSED: set(),
}


class CaseDecision(models.TextChoices):
    APPROVE = "approve", _("通过")
    APPROVE_WITH_LABEL = "approve_with_label", _("通过并加注资质标识")
    REJECT = "reject", _("驳回")
    MEASURE = "measure", _("驳回并采取处置措施")
    NO_ACTION = "no_action", _("无需处理")


class MeasureKind(models.TextChoices):
    """Art 17 graded measures, mildest first."""

    WARNING = "warning", _("警示提醒")
    CORRECTION_ORDER = "correction_order", _("限期改正")
    RESTRICT = "restrict", _("限制账号功能")
    SUSPEND = "suspend", _("暂停使用")
    CLOSE = "close", _("关闭账号")
    BAN_REREGISTRATION = "ban_reregistration", _("禁止重新注册")


FOUR_EYES_KINDS = {MeasureKind.CLOSE, MeasureKind.BAN_REREGISTRATION}


class RestrictFunction(models.TextChoices):
    POST = "post", _("发布")
    COMMENT = "comment", _("评论")
    MESSAGE = "message", _("私信")
    LIVE = "live", _("直播")
    FOLLOW = "follow", _("关注")
    MONETISE = "monetise", _("收益")


class MeasureState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("待复核批准")
    ACTIVE = "active", _("生效中")
    REFUSED = "refused", _("复核未批准")
    LIFTED = "lifted", _("已解除")
    EXPIRED = "expired", _("已到期")
    ESCALATED = "escalated", _("逾期未改正，已升级")


class NoticeKind(models.TextChoices):
    SUBMISSION_APPROVED = "submission_approved", _("核验通过")
    SUBMISSION_REJECTED = "submission_rejected", _("不予注册或变更")
    MEASURE_APPLIED = "measure_applied", _("处置措施")
    MEASURE_LIFTED = "measure_lifted", _("处置措施解除")
    QUALIFICATION_DECIDED = "qualification_decided", _("资质审核结果")
    CERTIFICATION_DECIDED = "certification_decided", _("机构认证结果")
    APPEAL_DECIDED = "appeal_decided", _("申诉处理结果")
    RULES_CHANGED = "rules_changed", _("平台规则更新")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")
    NOT_CONFIGURED = "not_configured", _("未配置回调")


class PauseScope(models.TextChoices):
    """Art 21: 暂停信息更新、用户账号注册."""

    REGISTRATION = "registration", _("暂停新用户注册")
    CHANGE = "change", _("暂停账号信息变更")


class PauseKind(models.TextChoices):
    ALL = "all", _("全部用户")
    INDIVIDUAL = "individual", _("个人用户")
    ORGANIZATION = "organization", _("机构用户")
