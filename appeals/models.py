"""Appeals (申诉) against an Art 17 measure or a refused registration/change (Art 10).

An appeal never edits or deletes what it is against: a lifted measure gets a lift record
(``Measure`` with ``action=lift``), a changed one a lift plus a new, lighter measure; the appeal
keeps pointers to both. It is decided by a supervisor who took no part in the original decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.choices import AppealOutcome, AppealSource, AppealStatus


class Appeal(models.Model):
    """One appeal by an account holder; at most one open appeal per measure or submission."""

    tracking_code = models.CharField(_("申诉编号"), max_length=20, unique=True)
    account_uid = models.CharField(_("平台用户ID"), max_length=64, db_index=True)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appeals")
    measure = models.ForeignKey("moderation.Measure", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appeals")
    submission = models.ForeignKey("moderation.Submission", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="appeals")
    notice = models.ForeignKey("moderation.Notice", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # Snapshots for the figures: what was appealed and who decided it first.
    subject_kind = models.CharField(_("申诉对象"), max_length=32)
    original_case = models.ForeignKey("moderation.ReviewCase", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="appeals")
    original_decider = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    original_decider_label = models.CharField(_("原决定人"), max_length=150, blank=True)
    statement = models.TextField(_("申诉理由"), max_length=4000)
    source = models.CharField(max_length=8, choices=AppealSource.choices)
    client = models.ForeignKey("core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    noticed_at = models.DateTimeField(_("通知时间"))
    filing_due_at = models.DateTimeField(_("申诉期限"))
    filed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    answer_due_at = models.DateTimeField(_("答复期限"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("复核人"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=AppealOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("复核理由"), blank=True)
    outcome_articles = models.JSONField(_("依据条款"), default=list, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_by_label = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    lift = models.ForeignKey("moderation.Measure", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="the lift record an outcome created")
    new_measure = models.ForeignKey("moderation.Measure", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="the lighter measure of a changed outcome")

    class Meta:
        ordering = ["answer_due_at", "id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        constraints = [
            models.UniqueConstraint(fields=["measure"], condition=Q(status__in=["open", "claimed"]),
                                    name="uniq_open_appeal_per_measure"),
            models.UniqueConstraint(fields=["submission"], condition=Q(status__in=["open", "claimed"]),
                                    name="uniq_open_appeal_per_submission"),
            models.CheckConstraint(condition=Q(measure__isnull=False) | Q(submission__isnull=False),
                                   name="appeal_has_subject"),
        ]
        indexes = [
            models.Index(fields=["status", "answer_due_at", "id"], name="appeal_queue_idx"),
        ]
        permissions = [("decide_appeal", _("复核并决定申诉")), ("view_figures", _("查看申诉统计"))]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in (AppealStatus.OPEN, AppealStatus.CLAIMED)

    @property
    def on_time(self) -> bool | None:
        if self.decided_at is None:
            return None
        return self.decided_at <= self.answer_due_at


class AppealEvidence(models.Model):
    """A file the holder sent with the appeal (checked by ``core.images`` before it is stored)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.pk}"
