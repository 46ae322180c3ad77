"""Delivery in one process: the retry schedule, giving up, the attempt written before the request,
a crash between sending and recording, the sweep, and what a delivery refuses to do (follow a
redirect, wait forever, read a huge answer). tests/webhooks/test_worker.py runs the same with a
real RQ worker and scheduler."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from django.utils import timezone

from core.models import JobRun, WebhookAttempt, WebhookDelivery
from core.webhooks import delivery as delivery_mod
from core.webhooks import delivery_attempt, jobs, outbound, webhook_send
from moderation import services as moderation_services
from moderation.choices import DeliveryStatus, MeasureKind
from moderation.models import Notice

Status, Outcome = WebhookDelivery.Status, WebhookAttempt.Outcome


def _send(client, capture, **data):
    with capture(execute=True):
        event = webhook_send("webhook.test", data or {"message": "hi"}, client=client)
    return event.deliveries.get()


def test_failures_follow_the_documented_schedule_then_give_up(hooked, django_capture_on_commit_callbacks, settings):
    assert settings.WEBHOOK_RETRY_SECONDS == [10, 60, 300, 1800, 7200]
    client, _token, receiver = hooked(default=503)
    delivery = _send(client, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == Status.RETRYING and delivery.attempt_count == 1
    first = delivery.attempts.get()
    assert delivery.next_attempt_at - first.started_at == dt.timedelta(seconds=10)
    assert delivery_attempt(delivery_id=delivery.pk, now=first.started_at + dt.timedelta(seconds=5)) is None  # not yet
    moment = first.started_at
    for wait in [10, 60, 300, 1800, 7200]:
        moment += dt.timedelta(seconds=wait)
        attempt = delivery_attempt(delivery_id=delivery.pk, now=moment)
        # 503, or 401 once the simulated clock runs past the receiver's 5-minute tolerance
        assert attempt is not None and attempt.outcome == Outcome.FAILED and attempt.status_code in (503, 401)
    delivery.refresh_from_db()
    assert delivery.status == Status.GIVEN_UP and delivery.attempt_count == 6 and delivery.next_attempt_at is None
    assert list(delivery.attempts.values_list("number", "outcome", "error_code")) == [
        (n, "failed", "http_status") for n in range(1, 7)]
    assert delivery_attempt(delivery_id=delivery.pk, now=moment + dt.timedelta(days=1)) is None
    assert len(receiver.requests) == 6


def test_the_attempt_is_recorded_as_sending_before_the_request(hooked, monkeypatch):
    client, _token, _receiver = hooked()
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    seen = []

    def post(url, body, headers):
        attempt = WebhookAttempt.objects.get(delivery__event=event)
        seen.append((attempt.outcome, WebhookDelivery.objects.get(event=event).status))
        return outbound.Response(status_code=204)

    monkeypatch.setattr(outbound, "post", post)
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert seen == [(Outcome.SENDING, Status.SENDING)]
    assert attempt.outcome == Outcome.SUCCEEDED


def _crash_after_sending(monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("worker died after the request went out")

    monkeypatch.setattr(delivery_mod, "_finish", crash)
    return lambda: monkeypatch.undo()


@pytest.mark.redis
def test_a_crash_between_send_and_record_is_retried_and_visible(hooked, monkeypatch, django_capture_on_commit_callbacks):
    """The job (RQ, inline here) dies after the receiver got the event: the attempt stays "sending",
    the job has ended, so the next check marks it interrupted and sends the same event again."""
    client, _token, receiver = hooked()
    restore = _crash_after_sending(monkeypatch)
    delivery = _send(client, django_capture_on_commit_callbacks)
    restore()
    assert len(receiver.requests) == 1  # it reached the platform …
    attempt = delivery.attempts.get()
    assert attempt.outcome == Outcome.SENDING and attempt.job_id  # … but no result was recorded
    again = delivery_attempt(delivery_id=delivery.pk, now=timezone.now() + dt.timedelta(seconds=11))
    assert again is not None and again.number == 2 and again.outcome == Outcome.SUCCEEDED
    attempt.refresh_from_db()
    assert attempt.outcome == Outcome.INTERRUPTED and attempt.error_code == "interrupted"
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # the receiver de-duplicates by it
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempt_count == 2


def test_without_a_job_a_sending_attempt_counts_as_dead_only_when_stale(hooked, monkeypatch, settings):
    """In-process mode knows no job to ask: an attempt is presumed alive until no attempt could still be running."""
    client, _token, receiver = hooked()
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    pk = event.deliveries.get().pk
    _crash_after_sending(monkeypatch)
    with pytest.raises(RuntimeError):
        delivery_attempt(delivery_id=pk)
    monkeypatch.undo()
    now = timezone.now()
    assert delivery_attempt(delivery_id=pk, now=now + dt.timedelta(seconds=30), force=True) is None  # maybe running
    late = now + dt.timedelta(seconds=settings.WEBHOOK_ATTEMPT_STALE_SECONDS + 1)
    assert delivery_attempt(delivery_id=pk, now=late, force=True).outcome == Outcome.SUCCEEDED
    assert len(receiver.requests) == 2


def test_the_sweep_queues_deliveries_whose_booked_retry_never_ran(hooked, django_capture_on_commit_callbacks):
    client, _token, receiver = hooked()
    lost = webhook_send("webhook.test", {"message": "lost"}, client=client, follow_up=False).deliveries.get()
    WebhookDelivery.objects.filter(pk=lost.pk).update(status=Status.RETRYING, attempt_count=1,
                                                      next_attempt_at=timezone.now() - dt.timedelta(minutes=2))
    later = webhook_send("webhook.test", {"message": "later"}, client=client, follow_up=False).deliveries.get()
    WebhookDelivery.objects.filter(pk=later.pk).update(status=Status.RETRYING, attempt_count=1,
                                                       next_attempt_at=timezone.now() + dt.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        counts = jobs.sweep()
    assert counts["deliveries_queued"] == 1 and "abandoned_jobs" in counts
    assert [r.payload["data"]["message"] for r in receiver.requests] == ["lost"]
    assert WebhookDelivery.objects.get(pk=lost.pk).status == Status.DELIVERED
    assert WebhookDelivery.objects.get(pk=later.pk).status == Status.RETRYING
    assert JobRun.objects.get(name="webhooks.sweep").status == JobRun.Status.SUCCEEDED


def test_a_disabled_client_gets_nothing_more(hooked, django_capture_on_commit_callbacks):
    client, _token, receiver = hooked(default=503)
    delivery = _send(client, django_capture_on_commit_callbacks)
    client.is_active = False
    client.save()
    assert delivery_attempt(delivery_id=delivery.pk, now=timezone.now() + dt.timedelta(seconds=11)) is None
    delivery.refresh_from_db()
    assert delivery.status == Status.GIVEN_UP and delivery.last_error_code == "client_disabled"
    assert len(receiver.requests) == 1


def test_a_failed_attempt_is_logged_at_warning_without_secrets(hooked, django_capture_on_commit_callbacks, caplog):
    client, token, receiver = hooked(default=500)
    with caplog.at_level(logging.INFO):
        _send(client, django_capture_on_commit_callbacks)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "attempt 1 failed" in r.getMessage()]
    assert warnings and "http_status" in warnings[0].getMessage()
    text = caplog.text
    assert receiver.secret.removeprefix("whsec_") not in text and token not in text and receiver.url not in text


def test_no_redirect_is_followed(hooked, make_receiver):
    elsewhere = make_receiver()

    def redirect(handler):
        handler.send_response(307)
        handler.send_header("Location", elsewhere.url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    client, _token, _receiver = hooked(answers=[redirect])
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert attempt.outcome == Outcome.FAILED and attempt.status_code == 307 and attempt.error_code == "redirect"
    assert elsewhere.requests == []


def test_a_huge_answer_is_read_only_in_part(hooked):
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(5 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(b"x" * 64 * 1024)  # and then never the rest

    client, _token, _receiver = hooked(answers=[huge])
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    started = time.monotonic()
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert attempt.outcome == Outcome.SUCCEEDED and len(attempt.response_excerpt) <= 1000
    assert time.monotonic() - started < 5


def test_a_silent_receiver_times_out(hooked, settings):
    settings.WEBHOOK_READ_TIMEOUT = 0.5

    def silent(handler):
        time.sleep(2)

    client, _token, _receiver = hooked(answers=[silent])
    event = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False)
    attempt = delivery_attempt(delivery_id=event.deliveries.get().pk, follow_up=False)
    assert attempt.outcome == Outcome.FAILED and attempt.error_code == "timeout" and attempt.status_code is None


def test_a_refused_connection_is_recorded(db, django_capture_on_commit_callbacks, make_account, moderator):
    from core.clients import api_client_create

    api_client_create(actor=None, name="dead-hook", scopes=["notices:read"], webhook_url="http://127.0.0.1:9/x")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.measure_apply(actor=moderator, account=make_account(), kind=MeasureKind.WARNING,
                                          legal_basis=["8.7"], reason="夸大其词")
    attempts = WebhookAttempt.objects.filter(delivery__event__type="notice.created")
    assert attempts.count() == 1 and attempts[0].error_code == "connect" and attempts[0].status_code is None
    assert Notice.objects.get().delivery_status == DeliveryStatus.FAILED


def test_a_notice_follows_its_deliveries(hooked, make_account, moderator, django_capture_on_commit_callbacks):
    client, _token, _receiver = hooked(scopes=["notices:read"], webhook_events=["notice.created"], answers=[503])
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.measure_apply(actor=moderator, account=make_account(), kind=MeasureKind.WARNING,
                                          legal_basis=["8.7"], reason="夸大其词")
    notice = Notice.objects.get()
    assert notice.delivery_status == DeliveryStatus.FAILED and notice.webhook_event.type == "notice.created"
    delivery_attempt(delivery_id=notice.webhook_event.deliveries.get().pk,
                     now=timezone.now() + dt.timedelta(seconds=11))
    notice.refresh_from_db()
    assert notice.delivery_status == DeliveryStatus.DELIVERED


def test_nobody_to_receive_means_no_event(make_account, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.measure_apply(actor=moderator, account=make_account(), kind=MeasureKind.WARNING,
                                          legal_basis=["8.7"], reason="夸大其词")
    notice = Notice.objects.get()
    assert notice.delivery_status == DeliveryStatus.NOT_CONFIGURED and notice.webhook_event is None
    assert not WebhookDelivery.objects.exists()


def test_subscriptions_and_scopes_choose_the_receivers(hooked, make_account, moderator,
                                                      django_capture_on_commit_callbacks):
    _c1, _t1, only_measures = hooked(name="measures-only", scopes=["notices:read"], webhook_events=["measure.applied"])
    _c2, _t2, no_scope = hooked(name="no-scope", scopes=["accounts:read"])
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.measure_apply(actor=moderator, account=make_account(), kind=MeasureKind.WARNING,
                                          legal_basis=["8.7"], reason="夸大其词")
    assert [r.payload["type"] for r in only_measures.requests] == ["measure.applied"]
    assert no_scope.requests == []


def test_an_unregistered_event_type_is_refused(db):
    with pytest.raises(LookupError):
        webhook_send("case.exploded", {})
