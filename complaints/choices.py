"""Complaint categories, sources, statuses and the allowed transitions (Art 19)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintCategory(models.TextChoices):
    """What the complaint is about: the Art 8 items, then the cases people actually report."""

    ART8_1 = "8.1", _("违反网络信息内容生态治理规定")
    ART8_2 = "8.2", _("假冒党政军机关、企事业单位、社会组织")
    ART8_3 = "8.3", _("假冒国家（地区）、国际组织")
    ART8_4 = "8.4", _("假冒新闻媒体或擅用新闻属性名称")
    ART8_5 = "8.5", _("假冒、恶意关联重要地理名称")
    ART8_6 = "8.6", _("夹带二维码、网址、联系方式等引流信息")
    ART8_7 = "8.7", _("名不副实、夸大其词，可能使公众受骗")
    ART8_8 = "8.8", _("其他法律法规禁止的内容")
    IMPERSONATION = "impersonation", _("冒用我或我单位的名义")
    PERSONAL_INFO = "personal_info", _("滥用我的个人信息")
    OTHER = "other", _("其他")


# The article code a category maps to in review-case findings.
CATEGORY_ARTICLE = {c.value: c.value for c in ComplaintCategory if c.value.startswith("8.")} | {
    ComplaintCategory.IMPERSONATION: "9",
    ComplaintCategory.PERSONAL_INFO: "16",
    ComplaintCategory.OTHER: "",
}


class ComplaintSource(models.TextChoices):
    WEB = "web", _("公开投诉页面")
    API = "api", _("平台举报接口")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已收到")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    SCREENING = "screening", _("甄别中")
    HANDLING = "handling", _("处置中")
    FEEDBACK_SENT = "feedback_sent", _("已反馈")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并处理")
    WAITING = "waiting_for_complainant", _("待投诉人补充")
    WAITING_CASE = "waiting_for_case", _("待审核工单决定")


# Every status change a service may make. ``waiting_for_complainant`` returns only to the status
# it paused (checked by the service against ``resume_status``).
TRANSITIONS: dict[str, frozenset[str]] = {
    ComplaintStatus.RECEIVED: frozenset({ComplaintStatus.ACCEPTED, ComplaintStatus.REJECTED, ComplaintStatus.MERGED, ComplaintStatus.WAITING}),
    ComplaintStatus.ACCEPTED: frozenset({ComplaintStatus.SCREENING, ComplaintStatus.MERGED, ComplaintStatus.WAITING}),
    ComplaintStatus.SCREENING: frozenset({ComplaintStatus.HANDLING, ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.MERGED, ComplaintStatus.WAITING}),
    ComplaintStatus.HANDLING: frozenset({ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.WAITING, ComplaintStatus.WAITING_CASE}),
    # the linked review case decides the outcome; back to handling only if it closes undecided
    ComplaintStatus.WAITING_CASE: frozenset({ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.HANDLING}),
    ComplaintStatus.WAITING: frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING}),
    ComplaintStatus.FEEDBACK_SENT: frozenset({ComplaintStatus.CLOSED}),
    ComplaintStatus.REJECTED: frozenset({ComplaintStatus.CLOSED}),
    ComplaintStatus.MERGED: frozenset({ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.CLOSED}),
    ComplaintStatus.CLOSED: frozenset(),
}

# Statuses in which staff still owe the complainant something (the clock runs or is paused).
OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING, ComplaintStatus.WAITING,
                 ComplaintStatus.WAITING_CASE)
# Statuses a duplicate can be merged into (the primary is still being worked).
MERGEABLE_INTO = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING, ComplaintStatus.WAITING,
                  ComplaintStatus.WAITING_CASE)


class ScreeningResult(models.TextChoices):
    VALID = "valid", _("属实，进入处置")
    INVALID = "invalid", _("不属实或无法核实")
    DUPLICATE = "duplicate", _("重复投诉")


class SlaFlag(models.TextChoices):
    OK = "ok", _("正常")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


class DeadlineKind(models.TextChoices):
    ACCEPT = "accept", _("受理时限")
    FEEDBACK = "feedback", _("反馈时限")


class NoticeChannel(models.TextChoices):
    PLATFORM = "platform", _("平台转达")
    CONTACT = "contact", _("投诉人联系方式")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    NO_GATEWAY = "no_gateway", _("无可用通道（仅查询页可见）")


# Shown to complainants: short, neutral, and about their complaint only.
PUBLIC_STAGE = {
    ComplaintStatus.RECEIVED: _("已收到，等待受理"),
    ComplaintStatus.ACCEPTED: _("已受理，等待甄别"),
    ComplaintStatus.REJECTED: _("不予受理"),
    ComplaintStatus.SCREENING: _("甄别中"),
    ComplaintStatus.HANDLING: _("处置中"),
    ComplaintStatus.WAITING_CASE: _("处置中"),
    ComplaintStatus.FEEDBACK_SENT: _("已反馈处理结果"),
    ComplaintStatus.CLOSED: _("已办结"),
    ComplaintStatus.MERGED: _("与同一账号的其他投诉合并处理中"),
    ComplaintStatus.WAITING: _("需要您补充材料（处理时限暂停计算）"),
}

DEFAULT_ACCEPT_DAYS = 1
DEFAULT_FEEDBACK_DAYS = 15
MAX_FEEDBACK_DAYS = 15  # the ceiling the personal-information complaint rules set
