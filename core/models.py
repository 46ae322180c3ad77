"""Cross-cutting records: audit entries, platform API clients and their calls, job runs."""

from __future__ import annotations

from datetime import UTC

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded state change (Art 17: 保存有关记录).

    Append-only and MAC-chained: each entry's ``hash`` is an HMAC (key ``QINGLANG_AUDIT_KEY``,
    outside the database) over its own content and the previous entry's ``hash`` in its *lane*,
    so an edited or deleted row breaks the chain and ``verify_audit`` finds it, and the chain
    cannot be recomputed without the key. On PostgreSQL a trigger refuses UPDATE and DELETE; the
    actor columns are plain ids without a database constraint (``DO_NOTHING``), so deleting a user
    or client updates no entry (``actor_label`` keeps the name). ``AuditCheckpoint`` anchors the
    lane heads, so deleting a lane's newest entries is found too. There are ``core.audit.AUDIT_LANES`` (128) independent chains: appending to one chain must lock it
    until commit, and a single chain would cap every audited write in the system at one commit
    (one fsync) at a time. A transaction always writes all its entries to one lane.
    ``event`` is a stable machine key (``account.created``), never a translated label.
    """

    lane = models.PositiveSmallIntegerField(default=0, editable=False)
    seq = models.BigIntegerField(editable=False)
    created_at = models.DateTimeField(db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    actor_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    event = models.CharField(max_length=80, db_index=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=200, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=10)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["lane", "seq"], name="uniq_audit_lane_seq")]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-id"], name="audit_subject_idx"),
            models.Index(fields=["actor_label", "-id"], name="audit_actor_idx"),
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        triggers = [pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.subject_type}:{self.subject_id}"


class AuditCheckpoint(models.Model):
    """The head (last seq and MAC) of every audit lane at one moment, signed with the audit key.

    Written by a scheduled job (``core.audit_checkpoints.write_checkpoint``) here and, as a JSON
    line, to ``QINGLANG_AUDIT_CHECKPOINT_FILE`` for the operator to ship off the machine. A lane
    that no longer reaches its checkpointed head was truncated; ``verify_audit`` says so.
    Append-only like the entries.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    heads = models.JSONField()  # {"lane": [seq, mac], …}
    entries = models.BigIntegerField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        triggers = [pgtrigger.Protect(name="checkpoint_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M} ({self.entries})"


class ApiClient(models.Model):
    """A platform service that calls the JSON API with its own token and scopes, and receives
    events (notices to account holders, decisions, measures, complaint feedback) by webhook.

    Only a SHA-256 of the token is stored; the token is shown once, when it is issued. A rotated
    token may keep working for an overlap period (``previous_token_*``) so the platform can roll
    it out without a gap; a revoked token stops at once. The webhook signing secret (Standard
    Webhooks ``whsec_…``) must be readable to sign, so it is stored encrypted with the field key
    (``core.crypto``) and shown once too; after a rotation the previous secret also signs until
    ``previous_webhook_secret_expires_at``.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    token_prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_rotated_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    previous_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    previous_token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    webhook_url = models.URLField(_("通知回调地址"), max_length=500, blank=True)
    # Event types this client wants (empty: every type its scopes allow).
    webhook_events = models.JSONField(_("订阅的事件"), default=list, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True)
    webhook_secret_rotated_at = models.DateTimeField(null=True, blank=True)
    previous_webhook_secret_encrypted = models.TextField(blank=True)
    previous_webhook_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台接口客户端")
        verbose_name_plural = _("平台接口客户端")
        permissions = [("manage_apiclient", _("管理接口客户端（令牌、签名密钥、回调）"))]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes or "*" in self.scopes

    def wants_event(self, event_type: str) -> bool:
        return not self.webhook_events or event_type in self.webhook_events


class ApiCall(models.Model):
    """Every call a platform client makes (who, what, when, result) — never bodies or IPs."""

    client = models.ForeignKey(ApiClient, null=True, on_delete=models.SET_NULL, related_name="calls")
    # When the call was answered, set by the logger: a batch is written later (core.apicalls).
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField()
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        # The client page lists a client's latest calls among millions of rows.
        indexes = [models.Index(fields=["client", "-id"], name="apicall_client_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class JobRun(models.Model):
    """One run of a sweep or batch job, with counts and errors (idempotent, resumable work)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    name = models.CharField(max_length=80, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    checkpoint = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"


class Holiday(models.Model):
    """A day of the State Council's yearly holiday notice, entered by a supervisor: a day off
    (法定节假日、补假、调休休息) or a make-up working day (调休上班日).

    The working-day calendar (``core.workdays``) reads ``chinesecalendar`` for the years it covers;
    for later years it computes the statutory holidays (provisional) until a supervisor has entered
    the notice here and confirmed the year (``HolidayYear``). A row overrides everything else for its
    date. Art 19 deadlines (and Art 15 correction periods, appeals …) are counted in working days.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假（休息日）")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class HolidayYear(models.Model):
    """Whether a year's holiday arrangement is confirmed: a supervisor entered the State Council's
    notice (all its days off and make-up working days) and confirmed it after checking it against
    the statutory holidays computed for the year.

    Until then the year is *provisional*: deadlines that fall in it are computed from the statutory
    holidays alone and every page that shows one says so. Entering a single date never confirms a
    year, and changing an entry of a confirmed year makes it provisional again (it needs checking
    again). Years ``chinesecalendar`` covers need no row.
    """

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("暂定")
        CONFIRMED = "confirmed", _("已确认")

    # status → statuses it may change to (checked by core.holidays)
    TRANSITIONS = {
        Status.PROVISIONAL: {Status.CONFIRMED},
        Status.CONFIRMED: {Status.PROVISIONAL},
    }

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROVISIONAL)
    notice = models.CharField(_("通知文号或标题"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("全年节假日安排")
        verbose_name_plural = _("全年节假日安排")
        permissions = [("confirm_holidayyear", _("确认全年节假日安排"))]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()}"
class WebhookEvent(models.Model):
    """One event told to platform clients by webhook (a Standard Webhooks *message*).

    ``event_id`` is the ``webhook-id`` header and the body's ``id``: the same on every attempt
    and for every client, so a receiver drops duplicates by it (delivery is at-least-once).
    ``type`` is a stable key (``notice.created``, ``complaint.feedback`` …) declared by the app
    that sends it (``core.registry.register_webhook_events``); ``data`` is the body's ``data``.
    Stored only when at least one client is to receive it.
    """

    event_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=60, db_index=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    def payload(self) -> dict:
        """The JSON body sent to receivers (the spec's recommended ``type``/``timestamp``/``data``)."""
        return {"id": self.event_id, "type": self.type,
                "timestamp": self.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "data": self.data}


class WebhookDelivery(models.Model):
    """An event on its way to one client: its state and when it is next due (retries on the
    schedule ``WEBHOOK_RETRY_SECONDS``); each attempt is a ``WebhookAttempt``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        DELIVERED = "delivered", _("已送达")
        RETRYING = "retrying", _("失败，等待重试")
        GIVEN_UP = "given_up", _("已放弃")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="webhook_deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    # When the next attempt (or, while one is sending, the check on it) is due; None when done.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error_code = models.CharField(max_length=20, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["event", "client"], name="uniq_webhook_delivery")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(fields=["client", "-id"], name="webhook_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.client_id} {self.status}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, written *before* the request is sent (``sending``) so an
    attempt whose process died after sending is visible as ``interrupted``, not lost."""

    class Outcome(models.TextChoices):
        SENDING = "sending", _("发送中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("中断（发送后未记录结果）")

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.SENDING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)
    job_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="uniq_webhook_attempt")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.outcome}"


class PendingJob(models.Model):
    """A job handed to ``core.jobs.enqueue`` that is not yet in Redis: written in the caller's
    transaction, deleted once RQ has it. Rows left here (Redis was down, the process died before
    the hand-over) are enqueued by ``core.jobs.sweep_pending`` when Redis answers again, so a Redis
    outage delays work but never loses it (issue 18)."""

    path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    queue = models.CharField(max_length=20)
    retry = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        permissions = [("view_system_status", _("查看系统状态（进程、队列、定时任务）"))]

    def __str__(self) -> str:
        return f"{self.queue}: {self.path} {self.args}"

    @property
    def rq_job_id(self) -> str:
        """Stable per row, so a sweep can tell a job RQ already holds from one it never got."""
        return f"qinglang-pending-{self.pk}-{int(self.created_at.timestamp() * 1000)}"


class RateCounter(models.Model):
    """A fixed-window request counter used when the shared cache (Redis) cannot be reached, so
    rate limits keep limiting during an outage instead of letting everything through."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class StaffUser(User):
    """Staff logins as the back office manages them (``core.staff``): who was given which role —
    the power to decide — is recorded like every decision. A proxy: the rows are Django's users."""

    class Meta:
        proxy = True
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        permissions = [("manage_staff", _("管理工作人员账号与角色"))]
