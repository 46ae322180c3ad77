"""Moderation's webhook events (core.webhooks): what a platform learns as it happens.

* ``notice.created`` — a notice to an account holder (the same notice ``GET /api/v1/notices``
  returns; ``data.id`` is the notice id, so push and pull de-duplicate together).
* ``case.decided`` — a review case was decided (Art 10 核验; the outcome of a registration or
  change under review, a qualification or an organisation certification).
* ``measure.applied`` / ``measure.lifted`` — an Art 17 measure took effect / ended.

All need the ``notices:read`` scope (the platform-wide feed). Each is sent inside the
transaction of the change it reports. The notice's ``delivery_status`` follows its deliveries
through ``core.webhooks.signals.delivery_changed``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import WebhookDelivery
from core.registry import WebhookEventType
from core.webhooks import webhook_send
from moderation.choices import DeliveryStatus
from moderation.models import Measure, Notice, ReviewCase

SCOPE = "notices:read"

EVENT_TYPES = (
    WebhookEventType("notice.created", _("账号处置通知"), SCOPE, {
        "id": 1024, "kind": "measure_applied", "account_uid": "u10086", "title": "账号处置通知：警示提醒",
        "body": "您的账号因违反《互联网用户账号信息管理规定》第八条第（七）项……", "articles": ["8.7"],
        "deadline": None, "case_id": 311, "measure_id": 87, "submission_id": None,
        "created_at": "2026-12-01T02:15:00.118342+00:00"}),
    WebhookEventType("case.decided", _("审核工单已决定"), SCOPE, {
        "case_id": 311, "account_uid": "u10086", "reason": "change", "decision": "reject", "articles": ["8.6"],
        "reason_text": "简介含联系方式", "decided_at": "2026-12-01T02:15:00.118Z",
        "submissions": [{"id": 5120, "kind": "change", "status": "refused"}]}),
    WebhookEventType("measure.applied", _("处置措施生效"), SCOPE, {
        "measure_id": 87, "account_uid": "u10086", "kind": "suspend", "legal_basis": ["8.7"], "functions": [],
        "reason": "名不副实、夸大其词", "effective_from": "2026-12-01T02:15:00.118Z",
        "expires_at": "2026-12-08T02:15:00Z", "case_id": 311}),
    WebhookEventType("measure.lifted", _("处置措施解除"), SCOPE, {
        "measure_id": 87, "lift_id": 95, "account_uid": "u10086", "kind": "suspend", "end_state": "lifted",
        "reason": "账号已改正", "lifted_at": "2026-12-03T01:00:00.052Z"}),
)


def notice_created(notice: Notice) -> None:
    event = webhook_send("notice.created", notice.payload)
    notice.webhook_event = event
    notice.delivery_status = DeliveryStatus.PENDING if event else DeliveryStatus.NOT_CONFIGURED


def on_case_decided(sender, *, case: ReviewCase, actor=None, **kwargs) -> None:
    webhook_send("case.decided", {
        "case_id": case.pk, "account_uid": case.subject_uid, "reason": case.reason, "decision": case.decision,
        "articles": list(case.decision_articles), "reason_text": case.decision_reason, "decided_at": case.decided_at,
        "submissions": [{"id": pk, "kind": kind, "status": status} for pk, kind, status in
                        case.submissions.order_by("id").values_list("id", "kind", "status")],
    })


def measure_applied(measure: Measure) -> None:
    webhook_send("measure.applied", {
        "measure_id": measure.pk, "account_uid": measure.account.uid, "kind": measure.kind,
        "legal_basis": list(measure.legal_basis), "functions": list(measure.functions), "reason": measure.reason,
        "effective_from": measure.effective_from, "expires_at": measure.expires_at, "case_id": measure.case_id,
    })


def measure_lifted(measure: Measure, lift: Measure) -> None:
    webhook_send("measure.lifted", {
        "measure_id": measure.pk, "lift_id": lift.pk, "account_uid": measure.account.uid, "kind": measure.kind,
        "end_state": lift.state, "reason": lift.reason, "lifted_at": lift.effective_from,
    })


_NOTICE_STATUS = {
    WebhookDelivery.Status.DELIVERED: DeliveryStatus.DELIVERED,
    WebhookDelivery.Status.RETRYING: DeliveryStatus.FAILED,
    WebhookDelivery.Status.GIVEN_UP: DeliveryStatus.FAILED,
}


def on_delivery_changed(sender, *, delivery: WebhookDelivery, **kwargs) -> None:
    """A notice is delivered once every client got it, failed while any attempt failed last."""
    if delivery.event.type != "notice.created":
        return
    statuses = {_NOTICE_STATUS.get(s, DeliveryStatus.PENDING)
                for s in WebhookDelivery.objects.filter(event_id=delivery.event_id).values_list("status", flat=True)}
    status = (DeliveryStatus.FAILED if DeliveryStatus.FAILED in statuses
              else DeliveryStatus.PENDING if DeliveryStatus.PENDING in statuses else DeliveryStatus.DELIVERED)
    Notice.objects.filter(webhook_event_id=delivery.event_id).update(delivery_status=status)
