"""Art 15 动态核验: runs that re-verify existing accounts, split into primary-key chunks (one RQ
job each), the per-account findings they produce, and the correction deadlines that follow a
confirmed finding (suspend → correct within the deadline → lifted, or close proposed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rechecks.choices import ChunkStatus, CorrectionState, Outcome, RunStatus


class RecheckRun(models.Model):
    """One recheck of a scope of existing accounts (Art 15 适时核验存量账号信息).

    Counters are exact: each chunk adds its own counts in the transaction that writes its
    results. Only one active (running or paused) run per scope: a database constraint."""

    scope = models.CharField(_("范围"), max_length=100)
    scope_label = models.CharField(_("范围说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    planned = models.BooleanField(default=False, help_text="chunks have been created")
    total = models.BigIntegerField(_("账号数"), default=0)
    checked = models.BigIntegerField(_("已核验"), default=0)
    clean = models.BigIntegerField(_("无问题"), default=0)
    flagged = models.BigIntegerField(_("发现问题"), default=0)
    errors = models.BigIntegerField(_("无法核验"), default=0)
    cases_opened = models.BigIntegerField(_("开立工单"), default=0)
    suspended = models.BigIntegerField(_("立即暂停"), default=0)
    chunks_total = models.IntegerField(default=0)
    chunks_done = models.IntegerField(default=0)
    ruleset = models.CharField(_("规则版本"), max_length=40, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发起人"))
    started_by_label = models.CharField(_("发起人"), max_length=150)
    created_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("动态核验")
        verbose_name_plural = _("动态核验")
        constraints = [
            models.UniqueConstraint(fields=["scope"], condition=Q(status__in=["running", "paused"]),
                                    name="uniq_active_recheck_per_scope"),
        ]
        permissions = [("manage_recheckrun", _("发起、暂停、继续、取消动态核验"))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.RUNNING, RunStatus.PAUSED)

    @property
    def percent(self) -> int:
        return min(100, int(self.checked * 100 / self.total)) if self.total else (100 if self.planned else 0)


class RecheckChunk(models.Model):
    """A primary-key range of a run (``lo`` ≤ id ≤ ``hi``), processed by one RQ job. Its results
    and progress commit together; ``attempts`` counts starts so a chunk that keeps killing its
    worker fails instead of looping."""

    run = models.ForeignKey(RecheckRun, on_delete=models.CASCADE, related_name="chunks", db_index=False)
    seq = models.IntegerField()
    lo = models.BigIntegerField()
    hi = models.BigIntegerField()
    planned = models.IntegerField(default=0)
    ids = models.JSONField(null=True, blank=True, help_text="explicit account ids (rolling, import, impact)")
    status = models.CharField(max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    attempts = models.SmallIntegerField(default=0)
    requeues = models.SmallIntegerField(default=0)
    job_id = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    checked = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)
    errors = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="uniq_recheck_chunk_seq")]
        indexes = [models.Index(fields=["status", "updated_at"], name="recheck_chunk_status_idx")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.seq} [{self.lo}, {self.hi}]"


class RecheckResult(models.Model):
    """An account a run found something on (or could not check): its findings by article and the
    case they opened. Clean accounts get no row, only ``Account.last_rechecked_at`` (a run of a
    million accounts writes findings, not a million rows)."""

    run = models.ForeignKey(RecheckRun, on_delete=models.CASCADE, related_name="results", db_index=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="recheck_results")
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    articles = models.JSONField(_("条款"), default=list)
    findings = models.JSONField(default=list)
    info_version = models.PositiveIntegerField(default=0)
    case = models.ForeignKey("moderation.ReviewCase", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    suspended = models.BooleanField(default=False)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["run", "account"], name="uniq_recheck_result")]

    def __str__(self) -> str:
        return f"run {self.run_id} account {self.account_id} {self.outcome}"


class RecheckArticlePolicy(models.Model):
    """Per article: whether a high-certainty finding (severity ``reject``) suspends at once,
    without waiting for a moderator. Default (no row): human confirmation."""

    article = models.CharField(_("条款"), max_length=8, unique=True)
    suspend_at_once = models.BooleanField(_("立即暂停"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article"]

    def __str__(self) -> str:
        return f"{self.article}: {self.suspend_at_once}"


class RecheckCorrection(models.Model):
    """The Art 15 correction deadline after a confirmed finding: the account is suspended until a
    change that passes verification arrives; past the deadline, closing is proposed."""

    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="recheck_corrections")
    case = models.ForeignKey("moderation.ReviewCase", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    measure = models.ForeignKey("moderation.Measure", on_delete=models.PROTECT, related_name="+")
    articles = models.JSONField(default=list)
    deadline = models.DateTimeField(_("改正期限"))
    state = models.CharField(_("状态"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.OPEN)
    close_case = models.ForeignKey("moderation.ReviewCase", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["account"], condition=Q(state="open"),
                                               name="uniq_open_recheck_correction")]
        indexes = [models.Index(fields=["state", "deadline"], name="recheck_correction_due_idx")]

    def __str__(self) -> str:
        return f"correction {self.account_id} until {self.deadline:%Y-%m-%d}"
