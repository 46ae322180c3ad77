"""The complaint feedback webhook event (core.webhooks): Art 19 反馈 for a complaint the platform
forwarded from its own report button goes back to that client as ``complaint.feedback``.

It is sent to that one client only (no scope is needed beyond having forwarded the complaint);
the ``ComplainantNotice`` row follows its delivery through ``delivery_changed``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.choices import NoticeStatus
from complaints.models import ComplainantNotice
from core.models import WebhookDelivery
from core.registry import WebhookEventType
from core.webhooks import webhook_send

EVENT_TYPES = (
    WebhookEventType("complaint.feedback", _("投诉处理结果反馈"), None, {
        "tracking_code": "TS8K3M2Q", "external_ref": "report-20261201-0042", "status": "feedback_sent",
        "outcome": "经核查，被投诉账号的账号信息存在违反《互联网用户账号信息管理规定》的情形，平台已依法依约采取处置措施。感谢您的监督。",
        "feedback_sent_at": "2026-12-01T02:15:00.118Z"}),
)

NO_WEBHOOK = "客户端未配置回调地址（可用 GET /api/v1/complaints/{code} 查询）"


def feedback_sent(notice: ComplainantNotice) -> None:
    """Queue the feedback to the forwarding client (inside the feedback's transaction)."""
    complaint = notice.complaint
    event = webhook_send("complaint.feedback", {
        "tracking_code": complaint.tracking_code, "external_ref": complaint.external_ref, "status": complaint.status,
        "outcome": notice.body, "feedback_sent_at": complaint.feedback_sent_at,
    }, client=complaint.api_client)
    if event is None:
        notice.status, notice.last_error = NoticeStatus.NO_GATEWAY, NO_WEBHOOK
    notice.webhook_event = event
    notice.save(update_fields=["status", "last_error", "webhook_event"])


def on_delivery_changed(sender, *, delivery: WebhookDelivery, **kwargs) -> None:
    if delivery.event.type != "complaint.feedback":
        return
    Status = WebhookDelivery.Status
    fields = {"attempts": delivery.attempt_count}
    if delivery.status == Status.DELIVERED:
        fields.update(status=NoticeStatus.SENT, sent_at=delivery.delivered_at, last_error="")
    elif delivery.status in (Status.RETRYING, Status.GIVEN_UP):
        fields.update(status=NoticeStatus.FAILED,
                      last_error=f"{delivery.last_error_code} {delivery.last_status_code or ''}".strip())
    ComplainantNotice.objects.filter(webhook_event_id=delivery.event_id).update(**fields)
