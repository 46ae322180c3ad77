"""Appeal endpoints of the platform API: the platform files an account holder's appeal (申诉)
and reads its progress and outcome."""

import base64
import binascii

from django.utils.translation import gettext as _
from ninja import Router, Status

from appeals.choices import AppealSource
from appeals.models import Appeal
from appeals.schemas import AppealIn, AppealOut
from appeals.services.common import SCOPE
from appeals.services.filing import AppealInput, appeal_file
from core.apiauth import require_scope
from core.apierrors import errors
from core.errors import ServiceError

router = Router(tags=["appeals"])


def appeal_out(appeal: Appeal) -> dict:
    done = not appeal.is_open
    return {
        "tracking_code": appeal.tracking_code, "status": appeal.status, "measure_id": appeal.measure_id,
        "submission_id": appeal.submission_id, "filed_at": appeal.filed_at, "filing_due_at": appeal.filing_due_at,
        "answer_due_at": appeal.answer_due_at, "outcome": appeal.outcome if done else "",
        "outcome_reason": appeal.outcome_reason if done else "",
        "outcome_articles": appeal.outcome_articles if done else [],
        "new_measure_id": appeal.new_measure_id,
    }


@router.post("", response={201: AppealOut, **errors(404, 409, body=True)}, summary="提交账号持有人的申诉（处置措施或不予注册/变更）")
@require_scope(SCOPE)
def file_appeal(request, payload: AppealIn):
    files = []
    for i, value in enumerate(payload.evidence_b64):
        try:
            files.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            raise ServiceError(_("不是有效的 base64 编码"), field=f"evidence_b64.{i}") from None
    try:
        appeal = appeal_file(actor=request.auth, data=AppealInput(
            uid=payload.uid, statement=payload.statement, measure_id=payload.measure_id,
            submission_id=payload.submission_id, evidence=files, source=AppealSource.API))
    except ServiceError as exc:
        if exc.field.startswith("evidence"):
            exc.field = exc.field.replace("evidence", "evidence_b64", 1)
        raise
    return Status(201, appeal_out(appeal))


@router.get("/{code}", response={200: AppealOut, **errors(404)}, summary="查询申诉进度与结果")
@require_scope(SCOPE)
def appeal_status(request, code: str):
    appeal = Appeal.objects.filter(tracking_code=code[:20]).first()
    if appeal is None:
        raise ServiceError(_("申诉不存在"), field="code", code="not_found", status=404)
    return appeal_out(appeal)
