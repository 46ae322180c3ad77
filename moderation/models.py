"""Moderation records: submissions, review cases, Art 17 measures, notices, pause switches and
supervisor-managed rule terms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.choices import (
    CaseDecision,
    CaseReason,
    CaseStatus,
    Decision,
    DeliveryStatus,
    MeasureKind,
    MeasureState,
    NoticeKind,
    PauseKind,
    PauseScope,
    SubmissionKind,
    SubmissionStatus,
)


class Submission(models.Model):
    """A registration or change of account information sent by the platform (Art 10).

    Idempotent on (client, idempotency key): a resubmission returns the stored answer. For a
    change under review the old information stays live; the proposed one waits here.
    """

    # Indexed by uniq_submission_idempotency (client, idempotency_key).
    client = models.ForeignKey("core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    idempotency_key = models.CharField(max_length=100)
    payload_hash = models.CharField(max_length=64)
    kind = models.CharField(_("类型"), max_length=12, choices=SubmissionKind.choices)
    uid = models.CharField(_("平台用户ID"), max_length=64)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="submissions")
    account_kind = models.CharField(max_length=12)
    is_public_account = models.BooleanField(default=False)
    info = models.JSONField(default=dict, help_text="proposed text fields")
    avatar = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    cover = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    identity_method = models.CharField(max_length=12, blank=True)
    identity_encrypted = models.TextField(blank=True)
    identity_hash = models.CharField(max_length=64, blank=True)
    identity_masked = models.CharField(max_length=40, blank=True)
    identity_details = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    decision = models.CharField(_("核验结论"), max_length=14, choices=Decision.choices)
    findings = models.JSONField(default=list)
    ruleset = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=SubmissionStatus.choices)
    case = models.ForeignKey("moderation.ReviewCase", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="submissions")
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("overturn_submission", _("推翻自动驳回的注册或变更"))]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], name="uniq_submission_idempotency"),
            # One pending registration per uid (issue 11); a second one is refused with 409.
            models.UniqueConstraint(fields=["uid"], name="uniq_pending_registration",
                                    condition=Q(kind=SubmissionKind.REGISTRATION, status=SubmissionStatus.PENDING)),
        ]
        # Equality lookups only: plain indexes, without Django's extra LIKE (pattern_ops) ones.
        indexes = [
            models.Index(fields=["uid"], name="submission_uid_idx"),
            models.Index(fields=["identity_hash"], name="submission_identity_hash_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uid} #{self.pk}"


class ReviewCase(models.Model):
    """A unit of human review (审核工单): one open case per subject and reason; later sources
    (submissions, complaints, rechecks) attach to it."""

    subject_uid = models.CharField(_("账号UID"), max_length=64)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases")
    reason = models.CharField(_("原因"), max_length=20, choices=CaseReason.choices)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    priority = models.SmallIntegerField(_("优先级"), default=50, help_text="higher first")
    requires_supervisor = models.BooleanField(_("需主管决定"), default=False)
    findings = models.JSONField(default=list)
    articles = models.JSONField(default=list, help_text="article codes of the findings, for filtering")
    due_at = models.DateTimeField(_("截止时间"))
    # Indexed by case_assignee_idx (assignee, status).
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("处理人"), db_index=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("决定"), max_length=20, choices=CaseDecision.choices, blank=True)
    decision_articles = models.JSONField(default=list, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    qualification = models.ForeignKey("accounts.Qualification", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    org_certification = models.ForeignKey("accounts.OrgCertification", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["due_at", "-priority", "id"]
        verbose_name = _("审核工单")
        verbose_name_plural = _("审核工单")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_uid", "reason"], condition=Q(status__in=["open", "claimed"]),
                name="uniq_open_case_per_subject_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at", "-priority", "id"], name="case_queue_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_idx"),
            models.Index(fields=["reason", "status", "due_at"], name="case_reason_idx"),
            # Dashboard charts: cases opened / decided per day (moderation/charts.py).
            models.Index(fields=["created_at"], name="case_created_idx"),
            models.Index(fields=["decided_at"], condition=Q(decided_at__isnull=False), name="case_decided_idx"),
            models.Index(fields=["claim_expires_at"], condition=Q(status="claimed"), name="case_claim_expiry_idx"),
            # The queue page lists undecided cases (open or claimed) oldest due first.
            models.Index(fields=["due_at", "-priority", "id"], condition=Q(status__in=["open", "claimed"]),
                         name="case_undecided_queue_idx"),
        ]
        permissions = [
            ("decide_case", _("决定审核工单")),
            ("decide_strict_case", _("决定从严核验工单")),
            ("reassign_case", _("改派审核工单")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_reason_display()} {self.subject_uid}"

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.OPEN, CaseStatus.CLAIMED)


class CaseNote(models.Model):
    """An internal note on a case: staff only, never part of a notice."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=150)
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note on #{self.case_id}"


class ReasonTemplate(models.Model):
    """Rejection reasons moderators pick from; supervisors edit them."""

    article = models.CharField(_("条款"), max_length=8)
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("说明（写入通知）"), max_length=1000)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["article", "title"]
        verbose_name = _("驳回理由模板")
        verbose_name_plural = _("驳回理由模板")

    def __str__(self) -> str:
        return f"{self.article} {self.title}"


class Measure(models.Model):
    """An Art 17 measure (处置措施). Append-only: lifting or reversing is a new record
    (``action=lift`` pointing at the measure), and the applied record only gains its end state."""

    class Action(models.TextChoices):
        APPLY = "apply", _("采取")
        LIFT = "lift", _("解除")

    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="measures")
    action = models.CharField(max_length=6, choices=Action.choices, default=Action.APPLY)
    kind = models.CharField(_("措施"), max_length=20, choices=MeasureKind.choices)
    lifts = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="lifted_by")
    state = models.CharField(_("状态"), max_length=18, choices=MeasureState.choices, default=MeasureState.ACTIVE)
    functions = models.JSONField(default=list, blank=True, help_text="restricted functions")
    legal_basis = models.JSONField(_("依据条款"), default=list)
    reason = models.TextField(_("理由"), max_length=2000)
    evidence = models.JSONField(default=dict, help_text="information and findings at that moment")
    case = models.ForeignKey(ReviewCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_by_label = models.CharField(max_length=150)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    effective_from = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reportable = models.BooleanField(_("需向主管部门报告"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("处置措施")
        verbose_name_plural = _("处置措施")
        indexes = [
            models.Index(fields=["account", "state"], name="measure_account_state_idx"),
            models.Index(fields=["state", "expires_at"], name="measure_expiry_idx"),
            models.Index(fields=["created_at"], name="measure_created_idx"),  # dashboard: measures per week
        ]
        permissions = [("approve_measure", _("批准关闭账号、禁止重新注册"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()}{self.get_kind_display()} · {self.account_id}"


class BlockedIdentity(models.Model):
    """Identity hashes banned from registering again (Art 10 ¶3, Art 17 禁止重新注册)."""

    method = models.CharField(max_length=12)
    number_hash = models.CharField(max_length=64, db_index=True)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["number_hash", "measure"], name="uniq_block_per_measure")]

    def __str__(self) -> str:
        return f"{self.method}:{self.number_hash[:8]}"


class CreditEvent(models.Model):
    """An entry of the explainable credit ledger (Art 18): why the score moved."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="credit_events")
    delta = models.SmallIntegerField()
    score_after = models.SmallIntegerField()
    reason = models.CharField(max_length=200)
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What kind of event it was (credit_policy.EVENT_CODES) and under which policy version.
    code = models.CharField(max_length=24, blank=True)
    policy_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "id"], name="credit_event_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.delta:+d}"


class Notice(models.Model):
    """A notice to an account holder, delivered to the platform (webhook) and pullable by API."""

    account_uid = models.CharField(max_length=64, db_index=True)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="notices")
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    articles = models.JSONField(default=list)
    deadline = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(ReviewCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="notices")
    payload = models.JSONField(default=dict)
    # Its ``notice.created`` webhook event (None: no client was to receive it); the deliveries
    # and their attempts hang off the event, and ``delivery_status`` sums them up.
    webhook_event = models.OneToOneField("core.WebhookEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="notice")
    delivery_status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.account_uid}"


class PauseSwitch(models.Model):
    """Art 21: pause new registrations and/or information changes, platform-wide or by kind."""

    scope = models.CharField(_("范围"), max_length=12, choices=PauseScope.choices)
    account_kind = models.CharField(_("用户类型"), max_length=12, choices=PauseKind.choices, default=PauseKind.ALL)
    reason = models.CharField(_("原因"), max_length=300)
    starts_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-id"]
        permissions = [("manage_pause", _("暂停注册或信息变更"))]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.get_account_kind_display()}"


class RuleTerm(models.Model):
    """A supervisor-managed lexicon term or allow-list entry, compiled on top of the shipped
    lexicons (rules/). Every change bumps the rule-set version."""

    term = models.CharField(_("词条"), max_length=100)
    category = models.CharField(_("类别"), max_length=40)
    article = models.CharField(_("条款"), max_length=8)
    severity = models.CharField(_("级别"), max_length=14, choices=Decision.choices, default=Decision.REVIEW)
    homophone = models.BooleanField(_("谐音敏感"), default=False)
    allow = models.BooleanField(_("白名单"), default=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "term"]
        verbose_name = _("规则词条")
        verbose_name_plural = _("规则词条")
        constraints = [models.UniqueConstraint(fields=["term", "category", "allow"], name="uniq_rule_term")]

    def __str__(self) -> str:
        return self.term


class RuleSetVersion(models.Model):
    """A single-row counter: the DB part of the rule-set version (bumped on every term change)."""

    counter = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="initial", help_text="changes on every bump; never reused")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.counter)


class CreditPolicy(models.Model):
    """A published version of the credit scoring policy (Art 18 信用管理): which events move the
    score by how much, the bands and what each band changes. Never edited after publishing; the
    newest version is in force. Without any row the defaults in ``moderation.credit_policy`` apply
    (version 0)."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    rules = models.JSONField(_("规则"))
    summary = models.TextField(_("变更说明"), max_length=2000)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("信用评价政策")
        verbose_name_plural = _("信用评价政策")
        permissions = [("publish_creditpolicy", _("发布信用评价政策"))]

    def __str__(self) -> str:
        return f"v{self.version}"


class SavedView(models.Model):
    """A named set of queue filters a moderator keeps (and may share with everyone), as in
    Zendesk views: the query string of the queue page, re-applied by one click."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    shared = models.BooleanField(_("共享给所有人"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_saved_view_name")]

    def __str__(self) -> str:
        return self.name
