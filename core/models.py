"""Cross-cutting records: audit entries, platform API clients and their calls, job runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded state change (Art 17: 保存有关记录).

    Append-only and hash-chained: each entry's ``hash`` covers its own content and the previous
    entry's hash in its *lane*, so an edited or deleted row breaks the chain and ``verify_audit``
    finds it. There are ``core.audit.AUDIT_LANES`` (128) independent chains: appending to one chain must lock it
    until commit, and a single chain would cap every audited write in the system at one commit
    (one fsync) at a time. A transaction always writes all its entries to one lane.
    ``event`` is a stable machine key (``account.created``), never a translated label.
    """

    lane = models.PositiveSmallIntegerField(default=0, editable=False)
    seq = models.BigIntegerField(editable=False)
    created_at = models.DateTimeField(db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.subject_type}:{self.subject_id}"


class ApiClient(models.Model):
    """A platform service that calls the JSON API with its own token and scopes.

    Only a SHA-256 of the token is stored; the token is shown once when the client is created.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    token_prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    webhook_url = models.URLField(_("通知回调地址"), blank=True)
    webhook_secret = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台接口客户端")
        verbose_name_plural = _("平台接口客户端")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes or "*" in self.scopes


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
