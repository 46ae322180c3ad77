"""Kinds and statuses of regulator reports and exports, with the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """What the regulator receives (Art 17 及时报告, Art 21 监督检查)."""

    INCIDENT = "incident", _("专项报告")
    PERIODIC = "periodic", _("定期报告")
    INSPECTION = "inspection", _("检查数据包")


# Kinds whose content may carry full identity numbers — only once the approver confirms it.
IDENTITY_KINDS = {ReportKind.INCIDENT}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")


class ReportStatus(models.TextChoices):
    GENERATING = "generating", _("生成中")
    FAILED = "failed", _("生成失败")
    DRAFT = "draft", _("草稿")
    PENDING_APPROVAL = "pending_approval", _("待批准")
    APPROVED = "approved", _("已批准")
    SUBMITTED = "submitted", _("已报送")


REPORT_TRANSITIONS = {
    ReportStatus.GENERATING: {ReportStatus.DRAFT, ReportStatus.FAILED},
    ReportStatus.FAILED: {ReportStatus.GENERATING},
    ReportStatus.DRAFT: {ReportStatus.GENERATING, ReportStatus.PENDING_APPROVAL},
    ReportStatus.PENDING_APPROVAL: {ReportStatus.DRAFT, ReportStatus.APPROVED},
    ReportStatus.APPROVED: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: set(),
}
# From approval on, the content is frozen; once submitted, nothing changes at all.
FROZEN_STATUSES = {ReportStatus.APPROVED, ReportStatus.SUBMITTED}


class SubmissionChannel(models.TextChoices):
    PLATFORM = "platform", _("网信部门报送平台")
    EMAIL = "email", _("电子邮件")
    DOCUMENT = "document", _("纸质公文")
    ONSITE = "onsite", _("现场检查提交")
    OTHER = "other", _("其他")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
    HTML = "html", _("打印版（HTML）")


class ExportStatus(models.TextChoices):
    STREAMED = "streamed", _("已直接下载")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("可下载")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


EXPORT_FORMATS = (FileFormat.CSV, FileFormat.XLSX)
