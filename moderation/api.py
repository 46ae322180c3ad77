"""Submission and notice endpoints of the platform API (Art 10, 17, 21)."""


from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts import identity as identity_mod
from accounts import rule_documents
from accounts.services import decode_image
from core.apiauth import require_scope
from core.apierrors import errors
from core.errors import ServiceError
from moderation.models import Notice, Submission
from moderation.schemas import CreditOut, NoticePage, SubmissionIn, SubmissionOut
from moderation.services import pipeline

router = Router(tags=["submissions"])
notices_router = Router(tags=["notices"])


@router.post("", response={200: SubmissionOut, 201: SubmissionOut, **errors(404, 409, 503, body=True)},
             summary="提交注册或账号信息变更（核验后：通过即生效 / 驳回 / 转人工核验）")
@require_scope("submissions:write")
def submit(request, payload: SubmissionIn):
    identity = None
    if payload.identity is not None:
        try:
            identity = identity_mod.validate(payload.identity.method, payload.identity.number,
                                             field_name="identity.number")
        except identity_mod.IdentityError as exc:
            raise ServiceError(exc.message, field=exc.field if exc.field != "method" else "identity.method") from None
    images = {}
    for name in ("avatar", "cover"):
        value = getattr(payload, f"{name}_b64")
        if value:
            images[name] = decode_image(value, field=f"{name}_b64")
    info = {k: v for k, v in payload.info.model_dump(exclude_unset=True).items() if v is not None}
    data = pipeline.SubmissionInput(
        idempotency_key=payload.idempotency_key, kind=payload.kind, uid=payload.uid, info=info,
        account_kind=payload.account_kind, is_public_account=payload.is_public_account, identity=identity,
        verified_org_name=payload.verified_org_name, **images,
        accepted_rules=[v.pk for v in rule_documents.resolve(
            [rule_documents.RuleRef(r.document, r.version) for r in getattr(payload, "accepted_rules", [])])],
    )
    submission, replayed = pipeline.submission_process(client=request.auth, data=data)
    return Status(200 if replayed else 201, {**submission.response, "replayed": replayed})


@router.get("/{submission_id}", response={200: SubmissionOut, **errors(404)}, summary="查询提交的当前状态")
@require_scope("submissions:write")
def get_submission(request, submission_id: int):
    submission = Submission.objects.filter(pk=submission_id, client=request.auth).first()
    if submission is None:
        raise ServiceError(_("提交不存在"), field="submission_id", code="not_found", status=404)
    return {**submission.response, "status": submission.status, "replayed": False}


class NoticeQuery(Schema):
    after_id: int = Field(0, ge=0, description="只返回 id 大于此值的通知")
    uid: str | None = Field(None, max_length=64)
    limit: int = Field(100, ge=1, le=500)


@notices_router.get("", response={200: NoticePage, **errors()}, summary="拉取处置通知（按 id 递增）")
@require_scope("notices:read")
def list_notices(request, filters: Query[NoticeQuery]):
    qs = Notice.objects.filter(id__gt=filters.after_id).order_by("id")
    if filters.uid:
        qs = qs.filter(account_uid=filters.uid)
    items = list(qs[: filters.limit])
    return {"items": items, "next_after_id": items[-1].id if len(items) == filters.limit else None}





credit_router = Router(tags=["accounts"])


class CreditQuery(Schema):
    before_id: int | None = Field(None, ge=1, description="只返回 id 小于此值的记录（翻页）")
    limit: int = Field(50, ge=1, le=200)


@credit_router.get("/{uid}/credit", response={200: CreditOut, **errors(404)}, summary="账号信用分、等级与信用记录（第十八条，分页）")
@require_scope("accounts:read")
def account_credit(request, uid: str, filters: Query[CreditQuery]):
    from accounts.models import Account
    from moderation import credit_policy
    from moderation.models import CreditEvent

    account = Account.objects.filter(uid=uid[:64]).only("id", "uid", "credit_score").first()
    if account is None:
        raise ServiceError(_("账号不存在"), field="uid", code="not_found", status=404)
    qs = CreditEvent.objects.filter(account=account).order_by("-id")
    if filters.before_id:
        qs = qs.filter(id__lt=filters.before_id)
    events = list(qs[: filters.limit])
    policy = credit_policy.current()
    band = policy.band(account.credit_score)
    return {
        "uid": account.uid, "score": account.credit_score, "band": band, "band_label": credit_policy.band_label(band),
        "consequences": policy.consequences(account.credit_score), "policy_version": policy.version,
        "ledger": [{"id": e.pk, "delta": e.delta, "score_after": e.score_after, "code": e.code,
                    "explanation": e.reason, "measure_id": e.measure_id, "policy_version": e.policy_version,
                    "created_at": e.created_at} for e in events],
        "next_before_id": events[-1].pk if len(events) == filters.limit else None,
    }
