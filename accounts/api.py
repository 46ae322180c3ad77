"""Account endpoints of the platform API (Art 9, 11, 12, 13)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from accounts import identity as identity_mod
from accounts import rule_documents, selectors, services
from accounts.choices import AccountKind, QualificationDomain
from accounts.models import Account
from accounts.schemas import (
    AcceptancesIn,
    AcceptancesOut,
    AccountOut,
    ActivityIn,
    ActivityOut,
    CreatedOut,
    OrgCertificationIn,
    PublicProfileOut,
    QualificationIn,
)
from core.apiauth import require_scope
from core.apierrors import errors
from core.errors import ServiceError

router = Router(tags=["accounts"])

UID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# In the OpenAPI document too, so a client (or a fuzzer) knows which uids are well formed.
Uid = Path[str, {"pattern": UID_PATTERN, "description": "平台用户ID：字母、数字和 _.:-，最长 64 个字符"}]


def _uid(uid: str) -> str:
    import re

    if not re.match(UID_PATTERN, uid):
        raise ServiceError(_("uid 只能包含字母、数字和 _.:-，最长 64 个字符"), field="uid", status=422)
    return uid


def _labels(account) -> list[dict]:
    return [
        {"domain": q.domain, "label": str(QualificationDomain(q.domain).label), "valid_until": q.valid_until}
        for q in account.current_qualifications
    ]


@router.get("/{uid}", response={200: AccountOut, **errors(404)}, summary="账号详情（证件号码仅脱敏）")
@require_scope("accounts:read")
def get_account(request, uid: Uid):
    account = selectors.account_with_labels(uid=_uid(uid))
    return {
        **{f: getattr(account, f) for f in (
            "uid", "kind", "is_public_account", "status", "name", "bio", "signature", "certification",
            "profession", "org_name", "org_uscc", "operator_name", "operator_address", "content_category",
            "uscc", "contact", "ip_location", "credit_score", "info_version", "created_at", "updated_at")},
        "avatar_url": account.avatar.url if account.avatar else "",
        "cover_url": account.cover.url if account.cover else "",
        "identities": [
            {"method": i.method, "masked": i.masked, "org_class": i.org_class, "verified_at": i.verified_at}
            for i in account.identities.all()
        ],
        "qualifications": _labels(account),
    }


@router.get("/{uid}/public-profile", response={200: PublicProfileOut, **errors(404)}, summary="主页展示信息：IP属地、资质标识、公众账号信息")
@require_scope("accounts:read")
def public_profile(request, uid: Uid):
    account = selectors.account_with_labels(uid=_uid(uid))
    location = account.ip_location or "未知"
    public_block = None
    if account.is_public_account:
        public_block = {f: getattr(account, f) for f in
                        ("operator_name", "operator_address", "content_category", "uscc", "contact")}
    return {
        "uid": account.uid,
        "name": account.name,
        "ip_location": location,
        "ip_location_label": f"IP属地：{location}",
        "qualification_labels": _labels(account),
        "public_account": public_block,
        "org_label": selectors.org_label(account),
    }


@router.post("/{uid}/activity", response={200: ActivityOut, **errors(404, body=True)}, summary="上报最近活动 IP（只保存归属地）")
@require_scope("accounts:write")
def record_activity(request, uid: Uid, payload: ActivityIn):
    import ipaddress

    try:
        ipaddress.ip_address(payload.ip.strip())
    except ValueError:
        raise ServiceError(_("不是有效的 IP 地址"), field="ip") from None
    if payload.at is not None:
        if payload.at.tzinfo is None:
            raise ServiceError(_("时间必须带时区"), field="at")
        from django.utils import timezone as tz

        now = tz.now()
        if payload.at > now + dt.timedelta(minutes=5) or payload.at < now - dt.timedelta(days=30):
            raise ServiceError(_("活动时间须在过去 30 天内，且不能晚于当前时间"), field="at")
    account = selectors.account_get(uid=_uid(uid))
    location = services.account_record_activity(actor=request.auth, account=account, ip=payload.ip, at=payload.at)
    return {"ip_location": location.label}


@router.post("/{uid}/qualifications", response={201: CreatedOut, **errors(404, 409, body=True)}, summary="提交资质材料（Art 11）")
@require_scope("accounts:write")
def submit_qualification(request, uid: Uid, payload: QualificationIn):
    account = selectors.account_get(uid=_uid(uid))
    evidence = None
    if payload.evidence_b64:
        evidence = services.decode_image(payload.evidence_b64, field="evidence_b64", allow_pdf=True)
    q = services.qualification_submit(
        actor=request.auth, account=account,
        data=services.QualificationInput(
            domain=payload.domain, document_name=payload.document_name, document_number=payload.document_number,
            issuer=payload.issuer, valid_until=payload.valid_until, evidence=evidence,
        ),
    )
    return Status(201, {"id": q.pk, "status": q.status})


@router.post("/{uid}/org-certifications", response={201: CreatedOut, **errors(404, 409, body=True)}, summary="提交机构认证申请")
@require_scope("accounts:write")
def submit_org_certification(request, uid: Uid, payload: OrgCertificationIn):
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator, URLValidator

    account = selectors.account_get(uid=_uid(uid))
    try:
        validated = identity_mod.validate_uscc(payload.uscc, field_name="uscc")
    except identity_mod.IdentityError as exc:
        raise ServiceError(exc.message, field=exc.field) from None
    try:
        EmailValidator()(payload.contact_email)
    except ValidationError:
        raise ServiceError(_("邮箱格式不正确"), field="contact_email") from None
    if payload.website:
        try:
            URLValidator(schemes=["http", "https"])(payload.website)
        except ValidationError:
            raise ServiceError(_("网址格式不正确（需以 http:// 或 https:// 开头）"), field="website") from None
    if account.kind != AccountKind.ORGANIZATION:
        raise ServiceError(_("只有机构用户可以申请机构认证"), field="uid", code="wrong_kind", status=409)
    with transaction.atomic():
        cert = services.org_certification_submit(
            actor=request.auth, account=account, identity=validated, full_name=payload.full_name,
            short_name=payload.short_name, website=payload.website, contact_person=payload.contact_person,
            contact_email=payload.contact_email,
        )
    return Status(201, {"id": cert.pk, "status": cert.status})


def _acceptances(account) -> list[dict]:
    rows = account.rule_acceptances.select_related("version__document").order_by("version__document__kind",
                                                                                "-version__version")
    return [{"document": a.version.document.kind, "version": a.version.version, "accepted_at": a.accepted_at,
             "source": a.source} for a in rows]


@router.post("/{uid}/acceptances", response={201: AcceptancesOut, **errors(404, body=True)}, summary="登记账号同意的平台规则版本（第六条）")
@require_scope("accounts:write")
def record_acceptances(request, uid: str, payload: AcceptancesIn):
    account = Account.objects.filter(uid=_uid(uid)).first()
    if account is None:
        raise ServiceError(_("账号不存在"), field="uid", code="not_found", status=404)
    versions = rule_documents.resolve([rule_documents.RuleRef(r.document, r.version) for r in payload.accepted_rules])
    made = rule_documents.rule_accept(actor=request.auth, account=account, versions=versions, source="api")
    return Status(201, {"uid": account.uid, "recorded": len(made), "acceptances": _acceptances(account)})
