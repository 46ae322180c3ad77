"""Statuses and kinds for the account registry, with their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人用户")
    ORGANIZATION = "organization", _("机构用户")


class AccountStatus(models.TextChoices):
    """Derived from the account's active Art 17 measures (most severe wins)."""

    ACTIVE = "active", _("正常")
    RESTRICTED = "restricted", _("功能受限")
    SUSPENDED = "suspended", _("暂停使用")
    CLOSED = "closed", _("已关闭")
    BANNED = "banned", _("禁止重新注册")


class IdentityMethod(models.TextChoices):
    """Art 9: real-name verification by mobile number, ID document number or USCC."""

    MOBILE = "mobile", _("移动电话号码")
    RESIDENT_ID = "resident_id", _("居民身份证号码")
    USCC = "uscc", _("统一社会信用代码")


class OrgClass(models.TextChoices):
    """Organisation class read from the USCC's registration-authority and type codes (GB 32100)."""

    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    GOVERNMENT = "government", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    MASS_ORGANIZATION = "mass_organization", _("群团组织")
    OTHER = "other", _("其他")


# The "官方" label an approved organisation certification shows (official-website plan), by the
# class its USCC's first two characters give (GB 32100).
ORG_LABELS = {
    OrgClass.SOCIAL_ORGANIZATION: _("官方 · 社会组织"),
    OrgClass.ENTERPRISE: _("官方 · 企业"),
    OrgClass.GOVERNMENT: _("官方 · 国家机关"),
    OrgClass.PUBLIC_INSTITUTION: _("官方 · 事业单位"),
    OrgClass.MASS_ORGANIZATION: _("官方 · 群团组织"),
    OrgClass.OTHER: _("官方 · 机构"),
}

# Certifications that hold their USCC and website: one live certification per organisation and site.
LIVE_CERTIFICATION_STATUSES = ("pending", "approved")


class CertificationEmailStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class QualificationDomain(models.TextChoices):
    """Art 11 regulated domains."""

    NEWS = "news", _("新闻")
    PUBLISHING = "publishing", _("出版")
    ECONOMY = "economy", _("经济/财经")
    EDUCATION = "education", _("教育")
    MEDICAL = "medical", _("医疗卫生")
    JUDICIAL = "judicial", _("司法/法律")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")


QUALIFICATION_TRANSITIONS = {
    ReviewStatus.PENDING: {ReviewStatus.APPROVED, ReviewStatus.REJECTED},
    ReviewStatus.APPROVED: {ReviewStatus.EXPIRED, ReviewStatus.REVOKED},
    ReviewStatus.REJECTED: set(),
    ReviewStatus.EXPIRED: set(),
    ReviewStatus.REVOKED: set(),
}


class InfoSource(models.TextChoices):
    REGISTRATION = "registration", _("注册")
    CHANGE = "change", _("变更")
    IMPORT = "import", _("存量导入")
    MODERATION = "moderation", _("审核处置")
    DEMO = "demo", _("演示数据")


# Credit bands shown in filters (Art 18); bounds are inclusive lower, exclusive upper.
CREDIT_BANDS = {
    "high": (90, 10_000, _("优 (≥90)")),
    "good": (75, 90, _("良 (75–89)")),
    "fair": (60, 75, _("中 (60–74)")),
    "low": (-10_000, 60, _("差 (<60)")),
}
