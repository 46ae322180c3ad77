"""Complaints and reports from users and the public (Art 19: 受理、甄别、处置、反馈).

Personal data is kept to what the process needs (Art 16): the complainant's contact is encrypted
with a masked form for screens and a keyed hash for matching bad-faith reporters; of the
reporter's IP only a keyed hash is kept, for rate limits and abuse handling.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import (
    DEFAULT_ACCEPT_DAYS,
    DEFAULT_FEEDBACK_DAYS,
    MAX_FEEDBACK_DAYS,
    ComplaintCategory,
    ComplaintSource,
    ComplaintStatus,
    DeadlineKind,
    NoticeChannel,
    NoticeStatus,
    ScreeningResult,
    SlaFlag,
)


class SlaPolicy(models.Model):
    """How fast a category of complaint must be accepted and answered, in working days (Art 19:
    明确处理流程和反馈时限). Supervisors edit it; the public process page is generated from it, and
    each complaint keeps the numbers it was received under."""

    category = models.CharField(_("类别"), max_length=20, choices=ComplaintCategory.choices, unique=True)
    accept_days = models.PositiveSmallIntegerField(
        _("受理时限（工作日）"), default=DEFAULT_ACCEPT_DAYS, validators=[MinValueValidator(0), MaxValueValidator(5)])
    feedback_days = models.PositiveSmallIntegerField(
        _("反馈时限（工作日）"), default=DEFAULT_FEEDBACK_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FEEDBACK_DAYS)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category"]
        verbose_name = _("投诉处理时限")
        verbose_name_plural = _("投诉处理时限")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.accept_days}/{self.feedback_days}"


# The queue's order (the queue page, claim-next, the default ordering): bad-faith reporters last,
# then the nearest deadline; complaints owing nothing (answered, closed, paused: no deadline) after
# every complaint with one. Said explicitly because PostgreSQL sorts NULLs last and SQLite first;
# NULLS LAST is PostgreSQL's own ascending order, so the queue indexes still serve it.
QUEUE_ORDER = ("deprioritised", models.F("next_due_at").asc(nulls_last=True), "id")


class Complaint(models.Model):
    """One complaint or report about an account's information (Art 19).

    The clock: ``accept_due_at`` and ``feedback_due_at`` are computed on the working-day calendar
    from the receipt date; ``next_due_at`` is the deadline staff face now (null when nothing is
    owed or the clock is paused while waiting for the complainant).
    """

    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=ComplaintCategory.choices)
    source = models.CharField(_("来源"), max_length=8, choices=ComplaintSource.choices)
    api_client = models.ForeignKey("core.ApiClient", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    external_ref = models.CharField(_("平台举报编号"), max_length=64, blank=True)

    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="complaints", verbose_name=_("被投诉账号"))
    target_text = models.CharField(_("被投诉账号（原文）"), max_length=300)
    target_key = models.CharField(max_length=200, db_index=True,
                                  help_text="uid when resolved, else the normalised text: duplicates and limits")
    description = models.TextField(_("投诉内容"), max_length=2000)

    contact_encrypted = models.TextField(blank=True)
    contact_masked = models.CharField(_("联系方式（脱敏）"), max_length=80, blank=True)
    contact_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reporter_ip_hash = models.CharField(max_length=64, blank=True, db_index=True)

    status = models.CharField(_("状态"), max_length=24, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    resume_status = models.CharField(max_length=24, choices=ComplaintStatus.choices, blank=True)

    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    handling_at = models.DateTimeField(null=True, blank=True)
    feedback_sent_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    accept_days = models.PositiveSmallIntegerField(default=DEFAULT_ACCEPT_DAYS)
    feedback_days = models.PositiveSmallIntegerField(default=DEFAULT_FEEDBACK_DAYS)
    accept_due_at = models.DateTimeField(_("受理时限"))
    feedback_due_at = models.DateTimeField(_("反馈时限"))
    next_due_at = models.DateTimeField(_("当前时限"), null=True, blank=True)
    calendar_warning = models.CharField(max_length=40, blank=True,
                                        help_text="years without holiday data the deadlines ran through")
    sla_flag = models.CharField(max_length=10, choices=SlaFlag.choices, default=SlaFlag.OK)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(default=0)
    accept_on_time = models.BooleanField(null=True)
    feedback_on_time = models.BooleanField(null=True)
    feedback_working_days = models.SmallIntegerField(null=True, blank=True)

    screening_result = models.CharField(max_length=10, choices=ScreeningResult.choices, blank=True)
    staff_note = models.TextField(_("内部备注"), blank=True, max_length=4000)
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    question = models.CharField(_("请投诉人补充"), max_length=500, blank=True)
    complainant_reply = models.TextField(_("投诉人补充说明"), blank=True, max_length=2000)
    outcome = models.TextField(_("处理结果（向投诉人反馈）"), blank=True, max_length=2000)

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_complaints", verbose_name=_("处理人"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_complaints")
    report_count = models.PositiveIntegerField(_("合并投诉数"), default=1)
    # moderation.ReviewCase id; a plain integer so complaints does not depend on moderation's schema.
    review_case_id = models.BigIntegerField(_("审核工单"), null=True, blank=True, db_index=True)
    deprioritised = models.BooleanField(_("降低优先级"), default=False)
    bad_faith = models.BooleanField(_("恶意投诉"), default=False)

    class Meta:
        ordering = list(QUEUE_ORDER)
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        indexes = [
            models.Index(fields=["deprioritised", "next_due_at", "id"], name="complaint_queue_idx"),
            models.Index(fields=["status", "deprioritised", "next_due_at", "id"], name="complaint_status_idx"),
            models.Index(fields=["assignee", "deprioritised", "next_due_at"], name="complaint_assignee_idx"),
            models.Index(fields=["category", "deprioritised", "next_due_at"], name="complaint_category_idx"),
            models.Index(fields=["target_key", "category", "received_at"], name="complaint_dup_idx"),
            models.Index(fields=["received_at"], name="complaint_received_idx"),
            models.Index(fields=["closed_at"], condition=models.Q(closed_at__isnull=False), name="complaint_closed_idx"),
            models.Index(fields=["next_due_at"], name="complaint_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["api_client", "external_ref"], condition=~models.Q(external_ref=""),
                                    name="uniq_complaint_external_ref"),
        ]
        permissions = [
            ("handle_complaint", _("受理、甄别、处置投诉并反馈")),
            ("reassign_complaint", _("处理他人认领的投诉")),
            ("mark_bad_faith", _("标记恶意投诉人")),
            ("view_metrics", _("查看投诉处理统计")),
            ("reveal_contact", _("查看投诉人完整联系方式（需填写理由）")),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        from complaints.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == ComplaintStatus.WAITING


def evidence_path(instance: ComplaintEvidence, filename: str) -> str:
    now = timezone.localtime()
    return f"complaints/evidence/{now:%Y/%m}/{filename}"


class ComplaintEvidence(models.Model):
    """An evidence image, re-encoded on upload so no EXIF/GPS or other metadata survives (Art 16).
    Served only to staff through a permission-checked view, never from a public URL."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    from_reply = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.pk}"


class ReporterFlag(models.Model):
    """A reporter a supervisor marked as filing in bad faith, by keyed hash of contact or IP.
    Their later complaints are still received and answered, but sorted after the others."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("联系方式")
        IP = "ip", _("IP")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key_hash = models.CharField(max_length=64)
    reason = models.CharField(_("理由"), max_length=300)
    complaint = models.ForeignKey(Complaint, null=True, on_delete=models.SET_NULL, related_name="+")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key_hash"], name="uniq_reporter_flag")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key_hash[:8]}"


class SlaAlert(models.Model):
    """An in-app notice to supervisors that a complaint is due soon or overdue (the sweep writes
    one per complaint, deadline and level; it is idempotent)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="alerts")
    deadline = models.CharField(max_length=10, choices=DeadlineKind.choices)
    level = models.CharField(max_length=10, choices=SlaFlag.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "deadline", "level", "due_at"],
                                               name="uniq_sla_alert")]
        indexes = [models.Index(fields=["acknowledged_at", "-id"], name="sla_alert_open_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.deadline} {self.level}"


class ComplainantNotice(models.Model):
    """Feedback sent to the complainant beyond the status page: back through the platform for
    forwarded reports (a ``complaint.feedback`` webhook event), or to the contact given (needs an
    outbound gateway)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=10, choices=NoticeChannel.choices)
    body = models.TextField()
    status = models.CharField(max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Platform channel: its ``complaint.feedback`` webhook event (core.webhooks delivers it).
    webhook_event = models.OneToOneField("core.WebhookEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="complainant_notice")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.channel} {self.status}"
