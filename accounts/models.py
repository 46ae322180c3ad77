"""The account registry: platform accounts under management and their real-name identities.

An ``Account`` is a platform user's account (互联网用户账号), never a staff login.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import (
    LIVE_CERTIFICATION_STATUSES,
    ORG_LABELS,
    AccountKind,
    AccountStatus,
    CertificationEmailStatus,
    IdentityMethod,
    InfoSource,
    OrgClass,
    QualificationDomain,
    ReviewStatus,
)

# The Art 23 account-information fields plus the Art 7 profession and organisation fields:
# everything a registration or change submits and a version records.
INFO_FIELDS = (
    "name", "avatar", "cover", "bio", "signature", "certification", "profession",
    "org_name", "org_nature", "org_business_scope", "org_industry", "org_uscc",
    "operator_name", "operator_address", "content_category", "uscc", "contact",
)
TEXT_INFO_FIELDS = tuple(f for f in INFO_FIELDS if f not in ("avatar", "cover"))


class Account(models.Model):
    """A platform user's account (Art 7, 9, 13, 23).

    Holds the *live* account information. Every applied version is also kept in
    ``AccountInfoVersion`` so the history and diffs can be shown; a pending change lives in its
    submission until it is approved (Art 10: the old information stays live).
    """

    uid = models.CharField(_("平台用户ID"), max_length=64, unique=True)
    kind = models.CharField(_("用户类型"), max_length=12, choices=AccountKind.choices, default=AccountKind.INDIVIDUAL)
    is_public_account = models.BooleanField(_("公众账号"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)

    # Art 23 account information
    name = models.CharField(_("名称"), max_length=100)
    avatar = models.FileField(_("头像"), upload_to="images/%Y/%m/", blank=True)
    cover = models.FileField(_("封面"), upload_to="images/%Y/%m/", blank=True)
    bio = models.TextField(_("简介"), blank=True, max_length=2000)
    signature = models.CharField(_("签名"), max_length=300, blank=True)
    certification = models.CharField(_("认证信息"), max_length=300, blank=True)
    profession = models.CharField(_("职业信息"), max_length=100, blank=True)

    # Art 7 organisation information
    org_name = models.CharField(_("机构名称"), max_length=200, blank=True)
    org_nature = models.CharField(_("机构性质"), max_length=50, blank=True)
    org_business_scope = models.TextField(_("经营范围"), blank=True, max_length=2000)
    org_industry = models.CharField(_("所属行业"), max_length=100, blank=True)
    org_uscc = models.CharField(_("机构统一社会信用代码"), max_length=18, blank=True)

    # Art 13 public-account display fields
    operator_name = models.CharField(_("运营主体"), max_length=200, blank=True)
    operator_address = models.CharField(_("注册运营地址"), max_length=300, blank=True)
    content_category = models.CharField(_("内容生产类别"), max_length=100, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("有效联系方式"), max_length=200, blank=True)

    # Art 12: only the derived location is kept, never the raw IP.
    ip_location = models.CharField(_("IP属地"), max_length=50, blank=True)
    ip_province = models.CharField(_("IP属地省份"), max_length=20, blank=True)
    ip_located_at = models.DateTimeField(_("IP属地更新时间"), null=True, blank=True)

    credit_score = models.SmallIntegerField(_("信用分"), default=100)
    info_version = models.PositiveIntegerField(_("信息版本"), default=1)
    name_key = models.CharField(max_length=100, blank=True,
                                help_text="normalised name (rules engine) for Art 10 ¶3 closeness")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Art 15 动态核验: when the account was last rechecked, and with which rule-set version.
    last_rechecked_at = models.DateTimeField(_("最近动态核验"), null=True, blank=True)
    # db_default: bulk loaders that COPY (seed_scale, benchmarks) name only the columns they fill.
    last_recheck_ruleset = models.CharField(_("核验规则版本"), max_length=40, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        indexes = [
            models.Index(fields=["status", "-id"], name="account_status_idx"),
            models.Index(fields=["kind", "-id"], name="account_kind_idx"),
            models.Index(fields=["ip_province", "-id"], name="account_ipprov_idx"),
            models.Index(fields=["credit_score", "-id"], name="account_credit_idx"),
            models.Index(fields=["is_public_account", "-id"], name="account_public_idx"),
            models.Index(fields=["name"], name="account_name_idx"),
            # Compared for equality only: a plain index, without Django's extra LIKE (pattern_ops) one.
            models.Index(fields=["name_key"], name="account_name_key_idx"),
            # The rolling recheck takes the oldest-checked accounts first (never checked = NULL).
            models.Index(fields=["last_rechecked_at", "id"], name="account_rechecked_idx"),
            # Art 13 gaps of public accounts (the dashboard tile and its list): a few rows at most.
            models.Index(fields=["-id"], name="account_art13_gap_idx", condition=models.Q(is_public_account=True) & (
                models.Q(operator_name="") | models.Q(operator_address="") | models.Q(content_category="")
                | models.Q(uscc="") | models.Q(contact=""))),
        ]
        permissions = [("reveal_identity", _("查看完整身份证件号码（需填写理由）"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.uid})"

    def info_snapshot(self) -> dict:
        """The account information as a plain dict (files as their stored names)."""
        data = {}
        for field in INFO_FIELDS:
            value = getattr(self, field)
            data[field] = value.name if hasattr(value, "name") and not isinstance(value, str) else value
        return data


class AccountInfoVersion(models.Model):
    """One applied version of an account's information: who applied what, when (Art 10, 17)."""

    # Indexed by uniq_account_version (account, version): no separate index on the key.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="versions", db_index=False)
    version = models.PositiveIntegerField()
    data = models.JSONField()
    source = models.CharField(max_length=16, choices=InfoSource.choices)
    actor_label = models.CharField(max_length=150)
    reference = models.CharField(max_length=64, blank=True, help_text="submission / case that applied it")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["account", "version"], name="uniq_account_version")]

    def __str__(self) -> str:
        return f"{self.account_id} v{self.version}"


class IdentityVerification(models.Model):
    """Real-name verification of an account (Art 9) — the number encrypted, hashed and masked (Art 16)."""

    # Indexed by uniq_account_identity (account, method, number_hash).
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="identities", db_index=False)
    method = models.CharField(_("认证方式"), max_length=12, choices=IdentityMethod.choices)
    number_encrypted = models.TextField()
    number_hash = models.CharField(max_length=64)
    masked = models.CharField(_("号码（脱敏）"), max_length=40)
    details = models.JSONField(default=dict, blank=True)
    org_class = models.CharField(_("机构类别"), max_length=24, choices=OrgClass.choices, blank=True)
    verified_at = models.DateTimeField(_("认证时间"), default=timezone.now)

    class Meta:
        ordering = ["-verified_at"]
        verbose_name = _("实名认证")
        verbose_name_plural = _("实名认证")
        constraints = [
            models.UniqueConstraint(fields=["account", "method", "number_hash"], name="uniq_account_identity"),
        ]
        indexes = [models.Index(fields=["number_hash"], name="identity_number_hash_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.masked}"


class QualificationQuerySet(models.QuerySet):
    def current(self) -> QualificationQuerySet:
        """Qualifications that are a label today (Art 11): approved and not past their validity.

        The same test as ``Qualification.is_current``, as a query: the public profile, the
        rules engine's context and the account list filter all ask it."""
        return self.filter(status=ReviewStatus.APPROVED).exclude(valid_until__lt=timezone.localdate())


class Qualification(models.Model):
    """A service qualification, professional licence or background (Art 11), shown as a label."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="qualifications")
    domain = models.CharField(_("领域"), max_length=12, choices=QualificationDomain.choices)
    document_name = models.CharField(_("证明材料名称"), max_length=200)
    document_number = models.CharField(_("证书编号"), max_length=100)
    issuer = models.CharField(_("发证机关"), max_length=200)
    evidence = models.FileField(_("证明材料"), upload_to="evidence/%Y/%m/", blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("资质")
        verbose_name_plural = _("资质")
        indexes = [models.Index(fields=["status", "submitted_at"], name="qualification_status_idx")]
        # One open application per account and domain (issue 11); a second one is refused with 409.
        constraints = [models.UniqueConstraint(fields=["account", "domain"], condition=models.Q(status=ReviewStatus.PENDING),
                                               name="one_pending_qualification")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} · {self.document_name}"

    @property
    def is_current(self) -> bool:
        return self.status == ReviewStatus.APPROVED and (
            self.valid_until is None or self.valid_until >= timezone.localdate()
        )


class OrgCertification(models.Model):
    """An organisation certification application under the official-website protection plan:
    USCC, full name, short name, website (required), contact person and contact e-mail. Reviewed
    within 5 working days; an approved one shows the "官方" label of its USCC class until revoked.
    One live (pending or approved) certification per USCC and per website."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="org_certifications")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    org_class = models.CharField(_("机构类别"), max_length=24, choices=OrgClass.choices)
    full_name = models.CharField(_("机构全称"), max_length=200)
    short_name = models.CharField(_("机构简称"), max_length=100, blank=True)
    website = models.URLField(_("官方网站"))
    # The registrable domain of the website's host ("www.example.com.cn" -> "example.com.cn").
    website_domain = models.CharField(_("网站域名"), max_length=253, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50)
    contact_email = models.EmailField(_("联系邮箱"))
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    due_at = models.DateTimeField(_("审核截止"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("机构认证申请")
        verbose_name_plural = _("机构认证申请")
        # One open certification per account (issue 11); a second one is refused with 409. One live
        # (pending or approved) certification per USCC and per website (official-website plan).
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=models.Q(status=ReviewStatus.PENDING),
                                    name="one_pending_org_certification"),
            models.UniqueConstraint(fields=["uscc"], condition=models.Q(status__in=LIVE_CERTIFICATION_STATUSES),
                                    name="orgcert_one_live_per_uscc"),
            models.UniqueConstraint(fields=["website_domain"],
                                    condition=models.Q(status__in=LIVE_CERTIFICATION_STATUSES)
                                    & ~models.Q(website_domain=""), name="orgcert_one_live_per_website"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="orgcert_status_due_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def label(self) -> str:
        """The public label text, by USCC class."""
        return str(ORG_LABELS.get(self.org_class, ORG_LABELS[OrgClass.OTHER]))


class OrgCertificationEmail(models.Model):
    """An outcome e-mail to a certification's contact address (approved, refused with reasons,
    revoked): created with the decision, sent by a job after commit, its delivery recorded."""

    certification = models.ForeignKey(OrgCertification, on_delete=models.CASCADE, related_name="emails")
    outcome = models.CharField(_("结果"), max_length=10, choices=ReviewStatus.choices)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(_("发送状态"), max_length=10, choices=CertificationEmailStatus.choices,
                              default=CertificationEmailStatus.PENDING)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("机构认证结果邮件")
        verbose_name_plural = _("机构认证结果邮件")

    def __str__(self) -> str:
        return f"{self.certification_id} {self.outcome} {self.status}"


class ImportRun(models.Model):
    """A resumable ``import_accounts`` run: the file, how far it got, and what it rejected."""

    path = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    lines_done = models.BigIntegerField(default=0)
    byte_offset = models.BigIntegerField(default=0)
    imported = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.path}"


class RuleDocument(models.Model):
    """One of the platform's published documents (Art 6): 账号管理规则, 平台公约, 服务协议."""

    class Kind(models.TextChoices):
        ACCOUNT_RULES = "account_rules", _("账号管理规则")
        CONVENTION = "convention", _("平台公约")
        SERVICE_AGREEMENT = "service_agreement", _("服务协议")

    kind = models.CharField(_("文件"), max_length=20, choices=Kind.choices, unique=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("平台规则文件")
        verbose_name_plural = _("平台规则文件")

    def __str__(self) -> str:
        return self.get_kind_display()


class RuleDocumentVersion(models.Model):
    """A version of a rule document: Markdown (rendered and sanitised when published), an
    effective date and a change summary. A draft may be edited; a published version never is
    (``save()`` refuses, the services refuse first)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    body = models.TextField(_("正文（Markdown）"), max_length=200_000)
    body_html = models.TextField(blank=True, help_text="rendered and sanitised when published")
    summary = models.TextField(_("变更说明"), max_length=2000)
    effective_at = models.DateTimeField(_("生效时间"))
    requires_acceptance = models.BooleanField(_("需重新同意"), default=False)
    acceptance_days = models.PositiveSmallIntegerField(_("同意期限（天）"), default=30)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["document", "-version"]
        verbose_name = _("平台规则版本")
        verbose_name_plural = _("平台规则版本")
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="uniq_rule_document_version")]
        permissions = [("publish_ruledocumentversion", _("发布平台规则"))]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValueError("a published rule version is never edited")
        super().save(*args, **kwargs)


class RuleAcceptance(models.Model):
    """An account's acceptance of a rule version (Art 6 签订服务协议): at registration
    (``accepted_rules``) or later through the API."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="rule_acceptances")
    version = models.ForeignKey(RuleDocumentVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    source = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["account", "version"], name="uniq_rule_acceptance")]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.version}"
