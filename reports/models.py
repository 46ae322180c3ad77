"""Regulator reports (Art 17 及时向网信等有关主管部门报告, Art 21 监督检查) and list exports.

A report's content is generated once into a data file whose SHA-256 is audited; from approval on
the content is frozen and the rendered files (XLSX, CSV, print view) are stored with their
SHA-256, which the page shows and ``verify_audit`` checks. A submitted report never changes: a
correction is a new version that points at the one it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.choices import ExportStatus, FileFormat, PeriodKind, ReportKind, ReportStatus, SubmissionChannel


class RegulatorReport(models.Model):
    """A report to the regulator (向网信等有关主管部门报告): generated, reviewed, approved by a
    second supervisor, submitted, then immutable."""

    number = models.CharField(_("报告编号"), max_length=40, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
                                 verbose_name=_("更正的报告"))
    kind = models.CharField(_("类型"), max_length=12, choices=ReportKind.choices)
    status = models.CharField(_("状态"), max_length=18, choices=ReportStatus.choices, default=ReportStatus.GENERATING)
    title = models.CharField(_("标题"), max_length=200)
    period_kind = models.CharField(_("周期"), max_length=8, choices=PeriodKind.choices, blank=True)
    period_start = models.DateField(_("开始日期"), null=True, blank=True)
    period_end = models.DateField(_("结束日期"), null=True, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="measure ids (incident), filter (inspection)")
    include_identities = models.BooleanField(_("包含完整证件号码"), default=False)
    identities_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.SET_NULL, related_name="+")

    narrative = models.TextField(_("情况说明"), blank=True, max_length=10000)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_title = models.CharField(_("职务"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)

    data_path = models.CharField(max_length=300, blank=True)
    data_sha256 = models.CharField(max_length=64, blank=True)
    section_rows = models.JSONField(default=dict, blank=True, help_text="rows per section")
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_label = models.CharField(_("生成人"), max_length=150)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("提请批准人"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_channel = models.CharField(_("报送渠道"), max_length=10, choices=SubmissionChannel.choices, blank=True)
    submission_reference = models.CharField(_("报送回执编号"), max_length=100, blank=True)
    submission_date = models.DateField(_("报送日期"), null=True, blank=True)
    submission_person = models.CharField(_("报送人"), max_length=50, blank=True)

    measures = models.ManyToManyField("moderation.Measure", through="ReportedMeasure", related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("监管报告")
        verbose_name_plural = _("监管报告")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="uniq_report_number_version")]
        indexes = [models.Index(fields=["status", "-id"], name="report_status_idx")]
        permissions = [
            ("approve_report", _("批准监管报告（第二位主管）")),
            ("submit_report", _("登记监管报告已报送")),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def label(self) -> str:
        return self.number if self.version == 1 else f"{self.number}（第{self.version}版）"


class ReportFile(models.Model):
    """A rendered file of an approved report, stored with its SHA-256 (checked by verify_audit)."""

    report = models.ForeignKey(RegulatorReport, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=4, choices=FileFormat.choices)
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "format"]
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="uniq_report_file_format")]

    def __str__(self) -> str:
        return f"{self.report} {self.format}"


class ReportedMeasure(models.Model):
    """A reportable measure included in a report: once that report is submitted, the measure
    is no longer awaiting a report (nor overdue)."""

    report = models.ForeignKey(RegulatorReport, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey("moderation.Measure", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "measure"], name="uniq_reported_measure")]
        indexes = [models.Index(fields=["measure"], name="reported_measure_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.measure_id}"


class Export(models.Model):
    """One export of a list (导出): who, which list, the filter, how many rows, and — for a large
    one run as a job — the file and when its download link expires."""

    key = models.CharField(_("列表"), max_length=60)
    title = models.CharField(_("名称"), max_length=100)
    format = models.CharField(_("格式"), max_length=4, choices=FileFormat.choices)
    params = models.JSONField(_("筛选与排序"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_by_label = models.CharField(max_length=150)
    with_identities = models.BooleanField(default=False)
    rows = models.BigIntegerField(_("行数"), null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("下载截止"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
        indexes = [
            models.Index(fields=["requested_by", "-id"], name="export_user_idx"),
            models.Index(fields=["status", "expires_at"], name="export_expiry_idx"),
        ]
        permissions = [("export_identities", _("导出含实名认证信息（脱敏）的列表"))]

    def __str__(self) -> str:
        return f"{self.title} {self.format} #{self.pk}"
