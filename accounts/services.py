"""Every state change of the account registry. Each runs in one transaction with its audit entry."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import iplocation, signals
from accounts.choices import (
    LIVE_CERTIFICATION_STATUSES,
    QUALIFICATION_TRANSITIONS,
    AccountKind,
    InfoSource,
    ReviewStatus,
)
from accounts.identity import ValidatedIdentity
from accounts.mail import outcome_email_queue
from accounts.models import (
    INFO_FIELDS,
    Account,
    AccountInfoVersion,
    IdentityVerification,
    OrgCertification,
    Qualification,
)
from accounts.website import registrable_domain
from core import crypto, rules_engine, workdays
from core.audit import actor_label_for, record
from core.errors import ServiceError
from core.fastinsert import insert
from core.images import check_upload
from core.reveal import check_reveal_reason

# ---------------------------------------------------------------------------------------------
# Images (avatar, cover, evidence): size capped, type sniffed, then checked by core.images.

MAX_IMAGE_BYTES = 5 * 1024 * 1024
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"RIFF": "webp",
}


def sniff_image(data: bytes) -> str | None:
    for signature, ext in _IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            if ext == "webp" and data[8:12] != b"WEBP":
                continue
            return ext
    return None


def decode_image(value: str, *, field: str, allow_pdf: bool = False) -> tuple[bytes, str]:
    """Base64 → (bytes, extension), or a ServiceError naming the field: bad base64, over the byte
    cap (413), not PNG/JPEG/GIF/WebP (or PDF where allowed), or refused by `core.images`."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(_("不是有效的 base64 编码"), field=field) from None
    if not data:
        raise ServiceError(_("文件为空"), field=field)
    if len(data) > MAX_IMAGE_BYTES:
        raise ServiceError(_("文件超过 %(mb)s MB") % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)}, field=field,
                           code="too_large", status=413)
    if allow_pdf and data.startswith(b"%PDF-"):
        return data, "pdf"
    if sniff_image(data) is None:
        raise ServiceError(_("文件类型不受支持（仅限 %(types)s）") % {"types": "PNG/JPEG/GIF/WebP" + ("/PDF" if allow_pdf else "")},
                           field=field)
    # Fail closed: an image that is over the limits or does not decode completely is refused
    # here, before it is stored, checked for QR codes (Art 8.6) or shown to staff.
    return data, check_upload(data, field=field).ext


def _content_file(data: bytes, ext: str) -> ContentFile:
    return ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}")


# ---------------------------------------------------------------------------------------------
# Accounts


def _apply_info_fields(account: Account, info: dict) -> None:
    for field, value in info.items():
        if field not in INFO_FIELDS:
            raise ServiceError(_("未知的账号信息字段：%(field)s") % {"field": field}, field=field)
        if field in ("avatar", "cover"):
            if isinstance(value, bytes):
                setattr(account, field, _content_file(value, sniff_image(value) or "bin"))
            else:
                setattr(account, field, value or "")
        else:
            setattr(account, field, value if value is not None else "")
    if "name" in info:
        account.name_key = rules_engine.name_key(account.name)


def _version(account: Account, *, actor, source: str, reference: str = "") -> AccountInfoVersion:
    return insert(AccountInfoVersion(
        account=account, version=account.info_version, data=account.info_snapshot(), source=source,
        actor_label=actor_label_for(actor), reference=reference,
    ))


def _attach_identity(account: Account, identity: ValidatedIdentity) -> IdentityVerification:
    obj, _created = IdentityVerification.objects.get_or_create(
        account=account, method=identity.method, number_hash=identity.number_hash,
        defaults={
            "number_encrypted": crypto.encrypt(identity.number),
            "masked": identity.masked,
            "details": identity.details,
            "org_class": identity.org_class,
        },
    )
    return obj


@transaction.atomic(savepoint=False)
def account_create(*, actor, uid: str, kind: str = AccountKind.INDIVIDUAL, info: dict,
                   is_public_account: bool = False, identities: list[ValidatedIdentity] = (),
                   source: str = InfoSource.REGISTRATION, reference: str = "", uid_checked: bool = False) -> Account:
    """Register an account whose information has passed verification (Art 9, 10).

    ``uid_checked``: the caller has just seen that the uid is free (the verification pipeline);
    a concurrent registration of the same uid then fails on the unique constraint instead."""
    if not uid_checked and Account.objects.filter(uid=uid).exists():
        raise ServiceError(_("账号 %(uid)s 已存在") % {"uid": uid}, field="uid", code="duplicate", status=409)
    account = Account(uid=uid, kind=kind, is_public_account=is_public_account)
    _apply_info_fields(account, info)
    insert(account)
    _version(account, actor=actor, source=source, reference=reference)
    for i in {(i.method, i.number_hash): i for i in identities}.values():
        insert(IdentityVerification(account=account, method=i.method, number_hash=i.number_hash,
                                    number_encrypted=crypto.encrypt(i.number), masked=i.masked, details=i.details,
                                    org_class=i.org_class))
    record("account.created", actor=actor, subject=account,
           new={"uid": uid, "kind": kind, "is_public_account": is_public_account, "source": source,
                "identities": [i.method for i in identities], "info": account.info_snapshot()})
    return account


@transaction.atomic(savepoint=False)
def account_apply_info(*, actor, account: Account, info: dict, source: str = InfoSource.CHANGE,
                       reference: str = "") -> Account:
    """Apply verified account information as a new version; the previous one stays in history."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = account.info_snapshot()
    _apply_info_fields(account, info)
    after = account.info_snapshot()
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return account
    account.info_version += 1
    account.save()
    _version(account, actor=actor, source=source, reference=reference)
    record("account.info_applied", actor=actor, subject=account,
           old={k: before[k] for k in sorted(changed)}, new={k: after[k] for k in sorted(changed)} | {
               "version": account.info_version, "source": source, "reference": reference})
    signals.account_info_applied.send(sender=Account, actor=actor, account=account, source=source,
                                      changed=sorted(changed))
    return account


@transaction.atomic
def account_record_activity(*, actor, account: Account, ip: str, at: dt.datetime | None = None) -> iplocation.Location:
    """Derive the IP location of the latest activity (Art 12); the IP itself is not kept."""
    location = iplocation.locate(ip)
    at = at or timezone.now()
    locked = Account.objects.select_for_update().only("id", "ip_location", "ip_located_at").get(pk=account.pk)
    if locked.ip_located_at is not None and locked.ip_located_at > at:
        return location  # an older activity reported late never overwrites a newer location
    previous = locked.ip_location
    Account.objects.filter(pk=account.pk).update(
        ip_location=location.label, ip_province=location.province, ip_located_at=at
    )
    if previous != location.label:
        record("account.ip_location_changed", actor=actor, subject=account,
               old={"ip_location": previous}, new={"ip_location": location.label})
    return location


@transaction.atomic
def identity_add(*, actor, account: Account, identity: ValidatedIdentity) -> IdentityVerification:
    """Attach a validated real-name identity (Art 9); only encrypted, hashed and masked forms are kept."""
    obj = _attach_identity(account, identity)
    record("identity.verified", actor=actor, subject=account,
           new={"method": identity.method, "masked": identity.masked, "org_class": identity.org_class})
    return obj


@transaction.atomic
def identity_reveal(*, actor, identity: IdentityVerification, purpose: str, reason: str) -> str:
    """Show a full identity number to a permitted staff member, with a recorded purpose from the
    list and an explanation (Art 16; ``core.reveal``)."""
    if not actor.has_perm("accounts.reveal_identity"):
        raise ServiceError(_("没有查看完整号码的权限"), code="forbidden", status=403)
    purpose, reason = check_reveal_reason(purpose, reason)
    record("identity.revealed", actor=actor, subject=identity.account,
           new={"identity_id": identity.pk, "method": identity.method, "masked": identity.masked,
                "purpose": purpose, "reason": reason})
    return crypto.decrypt(identity.number_encrypted)


# ---------------------------------------------------------------------------------------------
# Qualifications (Art 11) and organisation certification


@dataclass
class QualificationInput:
    domain: str
    document_name: str
    document_number: str
    issuer: str
    valid_until: dt.date | None = None
    evidence: tuple[bytes, str] | None = None


def _save_only_open(application, same: models.QuerySet, *, field: str, message: str) -> None:
    """One open (pending) application per account and domain (issue 11): a second one re-pointed
    the open review case and left the first pending for ever. ``same`` selects the applications
    this one competes with; the constraints ``one_pending_qualification`` and
    ``one_pending_org_certification`` settle a race between parallel requests."""
    conflict = ServiceError(message, field=field, code="application_pending", status=409)
    if same.filter(status=ReviewStatus.PENDING).exists():
        raise conflict
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        if same.filter(status=ReviewStatus.PENDING).exists():  # the parallel request committed first
            raise conflict from None
        raise


@transaction.atomic
def qualification_submit(*, actor, account: Account, data: QualificationInput) -> Qualification:
    """Record a qualification for review; it becomes a label only once approved (Art 11)."""
    if data.valid_until and data.valid_until < timezone.localdate():
        raise ServiceError(_("有效期已过"), field="valid_until")
    qualification = Qualification(
        account=account, domain=data.domain, document_name=data.document_name,
        document_number=data.document_number, issuer=data.issuer, valid_until=data.valid_until,
    )
    if data.evidence:
        qualification.evidence = _content_file(*data.evidence)
    _save_only_open(qualification, Qualification.objects.filter(account=account, domain=data.domain), field="domain",
                    message=_("该账号在此领域已有待审核的资质申请，请等待审核结果"))
    record("qualification.submitted", actor=actor, subject=account,
           new={"qualification_id": qualification.pk, "domain": data.domain, "issuer": data.issuer,
                "valid_until": data.valid_until})
    signals.qualification_submitted.send(sender=Qualification, actor=actor, obj=qualification)
    return qualification


@transaction.atomic
def qualification_decide(*, actor, qualification: Qualification, status: str, note: str = "") -> Qualification:
    """Approve, reject, expire or revoke a qualification, following the allowed transitions."""
    qualification = Qualification.objects.select_for_update().get(pk=qualification.pk)
    old = qualification.status
    if ReviewStatus(status) not in QUALIFICATION_TRANSITIONS[ReviewStatus(old)]:
        raise ServiceError(_("资质状态不能从 %(old)s 变为 %(new)s") % {"old": old, "new": status}, field="status",
                           code="illegal_transition", status=409)
    qualification.status = status
    qualification.review_note = note
    qualification.reviewed_by = actor if getattr(actor, "pk", None) and hasattr(actor, "has_perm") else None
    qualification.reviewed_at = timezone.now()
    qualification.save()
    record("qualification.decided", actor=actor, subject=qualification.account,
           old={"status": old}, new={"qualification_id": qualification.pk, "status": status, "note": note})
    return qualification


def _refuse_second_live_certification(uscc: str, domain: str) -> None:
    """One live (pending or approved) certification per organisation and per website."""
    live = OrgCertification.objects.filter(status__in=LIVE_CERTIFICATION_STATUSES)
    if live.filter(uscc=uscc).exists():
        raise ServiceError(_("该统一社会信用代码已有待审核或已通过的机构认证"), field="uscc", code="duplicate",
                           status=409)
    if live.filter(website_domain=domain).exists():
        raise ServiceError(_("该官方网站（%(domain)s）已有待审核或已通过的机构认证") % {"domain": domain},
                           field="website", code="duplicate", status=409)


@transaction.atomic
def org_certification_submit(*, actor, account: Account, identity: ValidatedIdentity, full_name: str,
                             short_name: str = "", website: str, contact_person: str,
                             contact_email: str) -> OrgCertification:
    """An organisation asks to be certified under its registered name (Art 7, 9), as the
    official-website plan asks: the website is required and its host a registrable domain, and the
    review is due in ``ORG_CERT_REVIEW_WORKING_DAYS`` working days (the review case's deadline)."""
    if account.kind != AccountKind.ORGANIZATION:
        raise ServiceError(_("只有机构用户可以申请机构认证"), field="account", code="wrong_kind", status=409)
    domain = registrable_domain(website)
    own = OrgCertification.objects.filter(account=account)
    if own.filter(status=ReviewStatus.PENDING).exists():  # the account's own open application first
        raise ServiceError(_("该账号已有待审核的机构认证申请，请等待审核结果"), field="account",
                           code="application_pending", status=409)
    _refuse_second_live_certification(identity.number, domain)
    now = timezone.now()
    cert = OrgCertification(
        account=account, uscc=identity.number, org_class=identity.org_class, full_name=full_name,
        short_name=short_name, website=website.strip(), website_domain=domain, contact_person=contact_person,
        contact_email=contact_email, submitted_at=now,
        due_at=workdays.deadline(timezone.localtime(now), settings.ORG_CERT_REVIEW_WORKING_DAYS).due_at,
    )
    _save_only_open(cert, own, field="account",
                    message=_("该账号已有待审核的机构认证申请，请等待审核结果"))
    record("org_certification.submitted", actor=actor, subject=account,
           new={"certification_id": cert.pk, "uscc": identity.number, "org_class": identity.org_class,
                "full_name": full_name, "website_domain": domain, "due_at": cert.due_at})
    signals.org_certification_submitted.send(sender=OrgCertification, actor=actor, obj=cert)
    return cert


@transaction.atomic
def org_certification_decide(*, actor, certification: OrgCertification, approve: bool,
                             reason: str) -> OrgCertification:
    """Approve or refuse a pending organisation certification (Art 7, 9). An approved one puts its
    registered name and USCC on the account as a new information version and shows the "官方"
    label of its class; both are shown to the public, so a staff member approving one needs the
    certification permission. The contact e-mail is told the outcome (with the reasons on refusal)."""
    cert = OrgCertification.objects.select_for_update().get(pk=certification.pk)
    if cert.status != ReviewStatus.PENDING:
        raise ServiceError(_("机构认证已处理，不能再次决定"), field="status", code="illegal_transition", status=409)
    if approve and hasattr(actor, "has_perm") and not actor.has_perm("accounts.change_orgcertification"):
        raise ServiceError(_("机构认证须由审核主管批准"), code="forbidden", status=403)
    cert.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    cert.reviewed_by, cert.reviewed_at, cert.review_note = actor, timezone.now(), reason
    cert.save()
    if approve:
        account_apply_info(actor=actor, account=cert.account, info={"org_name": cert.full_name, "org_uscc": cert.uscc},
                           source=InfoSource.MODERATION, reference=f"org_certification:{cert.pk}")
    record("org_certification.decided", actor=actor, subject=cert.account,
           new={"certification_id": cert.pk, "status": cert.status, "reason": reason})
    outcome_email_queue(cert=cert, outcome=cert.status, reason=reason)
    return cert


@transaction.atomic
def org_certification_revoke(*, actor, certification: OrgCertification, reason: str) -> OrgCertification:
    """Revoke an approved certification: the "官方" label disappears at once (every page and the
    public profile read approved certifications live), the contact e-mail is told why, and the
    USCC and website are free for a new application. Supervisors only (or the system)."""
    if actor is not None and not (hasattr(actor, "has_perm") and actor.has_perm("accounts.change_orgcertification")):
        raise ServiceError(_("机构认证须由审核主管撤销"), code="forbidden", status=403)
    if not (reason or "").strip():
        raise ServiceError(_("请填写撤销理由"), field="reason", code="required")
    cert = OrgCertification.objects.select_for_update().get(pk=certification.pk)
    if cert.status != ReviewStatus.APPROVED:
        raise ServiceError(_("只有已通过的机构认证可以撤销"), field="status", code="illegal_transition", status=409)
    cert.status, cert.review_note = ReviewStatus.REVOKED, reason
    cert.save(update_fields=["status", "review_note"])
    record("org_certification.revoked", actor=actor, subject=cert.account,
           old={"status": ReviewStatus.APPROVED}, new={"certification_id": cert.pk, "status": cert.status, "reason": reason})
    outcome_email_queue(cert=cert, outcome=ReviewStatus.REVOKED, reason=reason)
    return cert
