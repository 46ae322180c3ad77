"""Existing data under the old schemes migrates sensibly: the old ``webhook_secret`` keeps its key
as a ``whsec_`` secret, notice attempts become core deliveries (due ones stay due), and unsent
complaint feedback becomes a ``complaint.feedback`` delivery."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from standardwebhooks import Webhook

from core import crypto

OLD = [("core", "0005_apicall_created_at_is_call_time"), ("moderation", "0006_lean_indexes"), ("complaints", "0002_defaults_and_roles")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _old_data(apps, complaint_pk):
    ApiClient = apps.get_model("core", "ApiClient")
    Notice = apps.get_model("moderation", "Notice")
    NoticeDelivery = apps.get_model("moderation", "NoticeDelivery")
    ComplainantNotice = apps.get_model("complaints", "ComplainantNotice")
    Complaint = apps.get_model("complaints", "Complaint")
    client = ApiClient.objects.create(name="old", token_prefix="qlk_old", token_hash="h" * 64, scopes=["*"],
                                      webhook_url="https://1.1.1.1/hooks", webhook_secret="old-plain-secret")
    now = timezone.now()
    notices = {}
    for name, age, results in [("delivered", 1, [False, True]), ("due", 1, [False]),
                               ("stale", 10 * 24 * 60, [False, False]), ("waiting", 1, [])]:
        notice = Notice.objects.create(account_uid="u1", kind="measure_applied", title=name, body="…",
                                       payload={"id": 0, "title": name}, created_at=now - dt.timedelta(minutes=age),
                                       delivery_status="pending")
        for i, ok in enumerate(results, start=1):
            NoticeDelivery.objects.create(notice=notice, client=client, attempt=i, ok=ok, status_code=204 if ok else 503,
                                          created_at=notice.created_at + dt.timedelta(seconds=i))
        notices[name] = notice.pk
    Complaint.objects.filter(pk=complaint_pk).update(api_client=client, source="api", external_ref="r-1")
    feedback = ComplainantNotice.objects.create(complaint_id=complaint_pk, channel="platform", body="已处理",
                                                status="failed", attempts=2, last_error="URLError")
    return client.pk, notices, feedback.pk


@pytest.mark.django_db(transaction=True)
def test_old_webhook_data_migrates(file_complaint_for_migration):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = _migrate(OLD)
        client_pk, notices, feedback_pk = _old_data(apps, file_complaint_for_migration)
    finally:
        apps = _migrate(leaves)
    ApiClient = apps.get_model("core", "ApiClient")
    Notice = apps.get_model("moderation", "Notice")
    WebhookDelivery = apps.get_model("core", "WebhookDelivery")
    ComplainantNotice = apps.get_model("complaints", "ComplainantNotice")

    secret = crypto.decrypt(ApiClient.objects.get(pk=client_pk).webhook_secret_encrypted)
    assert base64.b64decode(secret.removeprefix("whsec_")) == b"old-plain-secret"  # the same HMAC key
    body, msg_id, ts = b'{"a":1}', "msg_x", int(timezone.now().timestamp())
    old_style_mac = hmac.new(b"old-plain-secret", f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    Webhook(secret).verify(body, {"webhook-id": msg_id, "webhook-timestamp": str(ts),
                                  "webhook-signature": "v1," + base64.b64encode(old_style_mac).decode()})

    def delivery(name):
        return WebhookDelivery.objects.get(event__notice__pk=notices[name])

    delivered = delivery("delivered")
    assert (delivered.status, delivered.attempt_count) == ("delivered", 2)
    assert list(delivered.attempts.order_by("number").values_list("outcome", "status_code")) == [
        ("failed", 503), ("succeeded", 204)]
    due = delivery("due")
    assert due.status == "retrying" and due.next_attempt_at is not None  # the sweep finishes it
    assert delivery("stale").status == "given_up"  # past the old 3-day retry window
    waiting = delivery("waiting")
    assert (waiting.status, waiting.attempt_count) == ("pending", 0)
    assert Notice.objects.get(pk=notices["delivered"]).webhook_event.type == "notice.created"
    feedback = ComplainantNotice.objects.get(pk=feedback_pk)
    assert feedback.webhook_event.type == "complaint.feedback" and feedback.webhook_event.data["external_ref"] == "r-1"
    assert feedback.webhook_event.deliveries.get().status == "pending"


@pytest.fixture
def file_complaint_for_migration(transactional_db, make_account):
    from complaints import services

    make_account(uid="t1")
    complaint, _ = services.complaint_submit(actor=None, data=services.ComplaintInput(
        category="8.2", target="t1", description="冒充政府机关，头像使用国徽。"))
    return complaint.pk
