"""Complaint endpoints of the platform API: reports forwarded from the platform's own report
buttons (Art 19), and their status for the platform to relay to its user."""

import base64
import binascii

from django.utils.translation import gettext as _
from ninja import Router, Status

from complaints import selectors, services
from complaints.choices import PUBLIC_STAGE, ComplaintSource, ComplaintStatus
from complaints.models import Complaint
from complaints.schemas import ComplaintIn, ComplaintOut
from core.apiauth import require_scope
from core.apierrors import errors
from core.errors import ServiceError

router = Router(tags=["complaints"])


def _out(complaint: Complaint) -> dict:
    status = ComplaintStatus(complaint.status)
    done = status in (ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.CLOSED, ComplaintStatus.REJECTED)
    return {
        "tracking_code": complaint.tracking_code,
        "status": status.value,
        "stage": str(PUBLIC_STAGE[status]),
        "accept_due_at": complaint.accept_due_at,
        "feedback_due_at": complaint.feedback_due_at,
        "calendar_warning": bool(complaint.calendar_warning),
        "merged": complaint.merged_into_id is not None,
        "outcome": complaint.outcome if done else "",
    }


@router.post("", response={200: ComplaintOut, 201: ComplaintOut, **errors(body=True)}, summary="转交用户投诉举报（第十九条）")
@require_scope("complaints:write")
def submit_complaint(request, payload: ComplaintIn):
    images = []
    for i, value in enumerate(payload.evidence_b64):
        try:
            images.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            raise ServiceError(_("不是有效的 base64 编码"), field=f"evidence_b64.{i}") from None
    try:
        complaint, created = services.complaint_submit(actor=request.auth, data=services.ComplaintInput(
            category=payload.category, target=payload.target, description=payload.description,
            contact=payload.contact, evidence=images, source=ComplaintSource.API,
            external_ref=payload.external_ref,
        ))
    except ServiceError as exc:
        if exc.field.startswith("evidence."):
            exc.field = exc.field.replace("evidence.", "evidence_b64.", 1)
        raise
    return Status(201 if created else 200, _out(complaint))


@router.get("/{code}", response={200: ComplaintOut, **errors(404)}, summary="查询本客户端转交的投诉进度与处理结果")
@require_scope("complaints:write")
def complaint_status(request, code: str):
    complaint = selectors.complaint_by_code(code=code)
    if complaint is None or complaint.api_client_id != request.auth.pk:
        raise ServiceError(_("投诉不存在"), field="code", code="not_found", status=404)
    return _out(complaint)
