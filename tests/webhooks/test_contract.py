"""The webhook contract, checked the way a platform checks it: a real HTTP receiver verifies every
kind of delivery with the independent ``standardwebhooks`` package, and refuses a tampered body
and an old timestamp. Every event type an app registers must appear here."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from complaints import services as complaint_services
from complaints.choices import ComplaintSource
from complaints.models import ComplainantNotice
from core import clients
from core.models import WebhookAttempt, WebhookDelivery
from core.registry import registry
from core.webhooks import delivery_attempt, webhook_send
from moderation import services as moderation_services
from moderation.choices import CaseReason, MeasureKind
from moderation.models import ReviewCase


def _all_kinds(client, account, moderator, supervisor, capture):
    """Make one event of every kind through the services that send them."""
    with capture(execute=True):
        measure = moderation_services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING,
                                                    legal_basis=["8.7"], reason="名不副实、夸大其词")
    with capture(execute=True):
        moderation_services.measure_lift(actor=moderator, measure=measure, reason="账号已改正")
    with capture(execute=True):
        case = moderation_services.case_open(actor=None, account=account, reason=CaseReason.COMPLAINT, source="test:1")
        moderation_services.case_decide(actor=supervisor, case=case, decision="no_action", reason="未发现违规")
    complaint, _ = complaint_services.complaint_submit(actor=client, data=complaint_services.ComplaintInput(
        category="8.2", target=account.uid, description="冒充政府机关，头像使用国徽。", source=ComplaintSource.API,
        external_ref="report-42"))
    for step in (complaint_services.complaint_claim, complaint_services.complaint_accept,
                 complaint_services.complaint_start_screening):
        complaint = step(actor=moderator, complaint=complaint)
    complaint = complaint_services.complaint_screen(actor=moderator, complaint=complaint, result="valid", note="属实")
    with capture(execute=True):  # the complaint's outcome comes from its review case (issue 14)
        moderation_services.case_decide(actor=supervisor, case=ReviewCase.objects.get(pk=complaint.review_case_id),
                                        decision="measure", articles=["8.2"], reason="假冒政府机关",
                                        measure={"kind": "warning"})
    clients.api_client_send_test(actor=None, client=client)


def test_every_kind_of_event_verifies_with_the_standard_library(
        hooked, make_account, moderator, supervisor, django_capture_on_commit_callbacks):
    client, _token, receiver = hooked()
    _all_kinds(client, make_account(uid="u10086"), moderator, supervisor, django_capture_on_commit_callbacks)
    received = receiver.requests
    assert received and all(r.verified for r in received), [r.error for r in received]
    assert {r.payload["type"] for r in received} == set(registry.webhook_events), "an event type nobody tested"
    for r in received:
        # the spec's headers; the id in the header is the event's id in the body, stable for de-duplication
        assert r.headers["webhook-id"] == r.payload["id"] and r.payload["id"].startswith("msg_")
        assert r.headers["webhook-signature"].startswith("v1,")
        assert r.payload["timestamp"].endswith("Z") and isinstance(r.payload["data"], dict)
        assert r.headers["content-type"].startswith("application/json")
    by_type = {r.payload["type"]: r.payload["data"] for r in received}
    assert by_type["measure.applied"]["kind"] == "warning" and by_type["measure.applied"]["account_uid"] == "u10086"
    assert by_type["measure.lifted"]["end_state"] == "lifted"
    decided = [r.payload["data"] for r in received if r.payload["type"] == "case.decided"]
    assert {(d["decision"], d["reason"]) for d in decided} == {("no_action", "complaint"), ("measure", "complaint")}
    assert by_type["complaint.feedback"]["external_ref"] == "report-42"
    assert by_type["complaint.feedback"]["outcome"] == complaint_services.OUTCOME_VIOLATION
    notice_kinds = {r.payload["data"]["kind"] for r in received if r.payload["type"] == "notice.created"}
    assert {"measure_applied", "measure_lifted"} <= notice_kinds
    assert WebhookDelivery.objects.filter(client=client).exclude(status="delivered").count() == 0
    feedback = ComplainantNotice.objects.get(channel="platform")  # the complaint's own record follows
    assert feedback.status == "sent" and feedback.attempts == 1 and feedback.sent_at


def test_the_receiver_refuses_a_tampered_body(hooked):
    client, _token, receiver = hooked()
    attempt = clients.api_client_send_test(actor=None, client=client)
    assert attempt.outcome == WebhookAttempt.Outcome.SUCCEEDED
    genuine = receiver.requests[0]
    payload = json.loads(genuine.body)
    payload["data"]["message"] = "转账到以下账户"
    tampered = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(receiver.url, data=tampered, method="POST", headers={
        k: v for k, v in genuine.headers.items() if k.startswith("webhook-") or k == "content-type"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert not receiver.requests[-1].verified and "signature" in receiver.requests[-1].error


def test_the_receiver_refuses_an_old_timestamp(hooked):
    client, _token, receiver = hooked()
    event = webhook_send("webhook.test", {"message": "old"}, client=client, follow_up=False)
    delivery = event.deliveries.get()
    attempt = delivery_attempt(delivery_id=delivery.pk, now=timezone.now() - dt.timedelta(minutes=10), force=True,
                               follow_up=False)
    assert "too old" in receiver.requests[-1].error
    assert attempt.outcome == WebhookAttempt.Outcome.FAILED and attempt.status_code == 401
    assert attempt.error_code == "http_status" and "no:" in attempt.response_excerpt


def test_retries_carry_the_same_id_and_body_with_a_new_timestamp(hooked, django_capture_on_commit_callbacks):
    client, _token, receiver = hooked(answers=[503])
    with django_capture_on_commit_callbacks(execute=True):
        event = webhook_send("webhook.test", {"message": "retry me"}, client=client)
    delivery = event.deliveries.get()
    delivery_attempt(delivery_id=delivery.pk, now=timezone.now() + dt.timedelta(seconds=11))
    first, second = receiver.requests
    assert first.verified and second.verified  # the first was verified too; the platform answered 503
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.event_id
    assert first.body == second.body
    assert int(second.headers["webhook-timestamp"]) > int(first.headers["webhook-timestamp"])


def test_secret_rotation_signs_with_both_during_the_overlap(hooked):
    """A platform can switch secrets at any moment of the overlap without one unverifiable delivery."""
    client, _token, receiver = hooked()
    old_secret = receiver.secret
    new_secret = clients.api_client_rotate_secret(actor=None, client=client, overlap_hours=24)
    assert new_secret.startswith("whsec_") and new_secret != old_secret
    clients.api_client_send_test(actor=None, client=client)
    during = receiver.requests[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verified  # the receiver still has the old secret
    Webhook(new_secret).verify(during.body, during.headers)  # and the new one verifies the same request
    receiver.secret = new_secret  # the platform switches
    client.refresh_from_db()
    client.previous_webhook_secret_expires_at = timezone.now() - dt.timedelta(seconds=1)  # the overlap ends
    client.save()
    clients.api_client_send_test(actor=None, client=client)
    after = receiver.requests[-1]
    assert after.verified and len(after.headers["webhook-signature"].split(" ")) == 1
    assert not Receiver_verifies(old_secret, after)


def test_rotation_without_overlap_stops_the_old_secret_at_once(hooked):
    client, _token, receiver = hooked()
    old_secret = receiver.secret
    new_secret = clients.api_client_rotate_secret(actor=None, client=client, overlap_hours=0)
    clients.api_client_send_test(actor=None, client=client)
    last = receiver.requests[-1]
    assert not last.verified and Receiver_verifies(new_secret, last) and not Receiver_verifies(old_secret, last)


def Receiver_verifies(secret, received) -> bool:  # noqa: N802 - reads as a sentence in the asserts
    try:
        Webhook(secret).verify(received.body, received.headers)
    except Exception:  # noqa: BLE001
        return False
    return True


def test_every_event_type_is_documented_with_an_example_that_parses():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")
    for event_type in registry.webhook_events:
        assert f"### `{event_type}`" in text, f"{event_type} missing from docs/integration.md"
    examples = [json.loads(block.split("```", 1)[0]) for block in text.split("```json\n")[1:]]
    documented = {e["type"] for e in examples if "type" in e}
    assert documented == set(registry.webhook_events)
    for example in examples:
        if "type" in example:
            assert example["id"].startswith("msg_") and set(example) == {"id", "type", "timestamp", "data"}
            assert set(example["data"]) == set(registry.webhook_events[example["type"]].example)
