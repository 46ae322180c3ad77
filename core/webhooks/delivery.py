"""Sending events to platform clients and delivering them: at least once, signed, retried on the
documented schedule, every attempt recorded.

* ``webhook_send`` (inside the transaction of the change it reports) stores the event and one
  delivery per receiving client, and queues the first attempt after commit.
* ``delivery_attempt`` makes one attempt. It writes the attempt as ``sending`` and books the next
  check (``enqueue_in`` at the schedule's next step) *before* the request goes out, then records
  the answer. A process that dies in between leaves a ``sending`` attempt whose RQ job has
  ended; the booked check (or the sweep) marks it ``interrupted`` and sends again. The receiver
  may so get an event twice — delivery is at-least-once — and drops the repeat by its id.
* ``sweep`` is the safety net: RQ registry maintenance, and any delivery whose booked job never
  ran (Redis lost, a crash before the booking) is queued again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core import crypto
from core.jobs import current_job_id, enqueue, enqueue_in, job_has_ended, uses_rq
from core.models import ApiClient, WebhookAttempt, WebhookDelivery, WebhookEvent
from core.registry import registry
from core.webhooks import outbound, signing
from core.webhooks.signals import delivery_changed

log = logging.getLogger(__name__)

JOB = "core.webhooks.jobs.deliver"
QUEUE = "high"
Status = WebhookDelivery.Status
Outcome = WebhookAttempt.Outcome
# A booked job may fire a little before the time stored with a clock a little behind.
_EARLY = dt.timedelta(seconds=1)


def receivers(event_type: str) -> list[ApiClient]:
    """Active clients with a webhook URL that hold the type's scope and want the type."""
    scope = registry.webhook_events[event_type].scope
    if scope is None:
        return []
    return [c for c in ApiClient.objects.filter(is_active=True).exclude(webhook_url="").order_by("id")
            if c.has_scope(scope) and c.wants_event(event_type)]


def webhook_send(event_type: str, data: dict, *, client: ApiClient | None = None,
                 follow_up: bool = True) -> WebhookEvent | None:
    """Store an event for its receivers (``client``: that one client only) and queue its delivery
    after commit; None when nobody is to receive it. Call inside the transaction of the change
    the event reports, so a rolled-back change sends nothing."""
    if event_type not in registry.webhook_events:
        raise LookupError(f"unregistered webhook event type {event_type!r}")
    if client is not None:
        clients = [client] if client.is_active and client.webhook_url and client.wants_event(event_type) else []
    else:
        clients = receivers(event_type)
    if not clients:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(
        event_id=signing.new_event_id(now.timestamp()), type=event_type, created_at=now,
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)))
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, client=c, next_attempt_at=now, created_at=now) for c in clients])
    if follow_up:
        for delivery in deliveries:
            enqueue(JOB, delivery.pk, queue=QUEUE)
    return event


def signing_secrets(client: ApiClient, now: dt.datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    secrets_ = [crypto.decrypt(client.webhook_secret_encrypted)] if client.webhook_secret_encrypted else []
    if client.previous_webhook_secret_encrypted and client.previous_webhook_secret_expires_at \
            and client.previous_webhook_secret_expires_at > now:
        secrets_.append(crypto.decrypt(client.previous_webhook_secret_encrypted))
    return secrets_


def body_of(event: WebhookEvent) -> bytes:
    return json.dumps(event.payload(), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _schedule() -> list[int]:
    return list(settings.WEBHOOK_RETRY_SECONDS)


def _attempt_is_dead(attempt: WebhookAttempt, now: dt.datetime) -> bool:
    """A ``sending`` attempt whose process is gone: its job ended, or it is older than any
    attempt can take (the only sign without RQ)."""
    if now - attempt.started_at > dt.timedelta(seconds=settings.WEBHOOK_ATTEMPT_STALE_SECONDS):
        return True
    return bool(attempt.job_id) and uses_rq() and job_has_ended(attempt.job_id)


def _changed(delivery: WebhookDelivery) -> None:
    delivery.save()
    delivery_changed.send(sender=WebhookDelivery, delivery=delivery)


def _give_up(delivery: WebhookDelivery, error_code: str) -> None:
    delivery.status, delivery.next_attempt_at = Status.GIVEN_UP, None
    delivery.last_error_code = error_code or delivery.last_error_code
    _changed(delivery)


def _start(delivery_id: int, now: dt.datetime, *, force: bool, follow_up: bool):
    """Claim the next attempt under the delivery's row lock; None when none is due now."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(of=("self",)).select_related("event", "client")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status == Status.DELIVERED:
            return None
        last = delivery.attempts.order_by("-number").first()
        if last is not None and last.outcome == Outcome.SENDING:
            if not _attempt_is_dead(last, now):
                return None  # another process is sending it right now
            last.outcome, last.error_code, last.finished_at = Outcome.INTERRUPTED, "interrupted", now
            last.save(update_fields=["outcome", "error_code", "finished_at"])
            log.warning("webhook %s to client %s: attempt %d was interrupted after sending; sending again",
                        delivery.event.event_id, delivery.client_id, last.number)
        if not force and (delivery.status == Status.GIVEN_UP
                          or (delivery.next_attempt_at and now < delivery.next_attempt_at - _EARLY)):
            return None
        client = delivery.client
        if not client.is_active or not client.webhook_url:
            _give_up(delivery, "client_disabled")
            return None
        schedule = _schedule()
        if not force and delivery.attempt_count > len(schedule):
            _give_up(delivery, "")
            return None
        number = delivery.attempt_count + 1
        attempt = WebhookAttempt.objects.create(delivery=delivery, number=number, started_at=now,
                                                job_id=current_job_id())
        delivery.attempt_count, delivery.status = number, Status.SENDING
        # The next attempt if this one fails; after the last one, the check that it did not die.
        wait = schedule[number - 1] if number <= len(schedule) else settings.WEBHOOK_ATTEMPT_STALE_SECONDS
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait) if follow_up else None
        _changed(delivery)
        if follow_up:
            enqueue_in(wait, JOB, delivery.pk, queue=QUEUE)
        return delivery, attempt, signing_secrets(client, now)


def _finish(delivery_id: int, attempt: WebhookAttempt, response: outbound.Response, *, follow_up: bool) -> None:
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update(of=("self",)).select_related("event").get(pk=delivery_id)
        attempt.outcome = Outcome.SUCCEEDED if response.ok else Outcome.FAILED
        attempt.finished_at, attempt.status_code, attempt.duration_ms = now, response.status_code, response.duration_ms
        attempt.error_code, attempt.error, attempt.response_excerpt = response.error_code, response.error, response.excerpt
        attempt.save()
        delivery.last_status_code, delivery.last_error_code = response.status_code, response.error_code
        if response.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = Status.DELIVERED, now, None
        elif delivery.status == Status.SENDING and delivery.attempt_count == attempt.number:
            if follow_up and attempt.number <= len(_schedule()):
                delivery.status = Status.RETRYING
                if delivery.next_attempt_at <= now:  # the booked check came while this attempt was still sending
                    enqueue(JOB, delivery.pk, queue=QUEUE)
            else:
                delivery.status, delivery.next_attempt_at = Status.GIVEN_UP, None
        _changed(delivery)


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None, force: bool = False,
                     follow_up: bool = True) -> WebhookAttempt | None:
    """One attempt of a delivery if one is due (``force``: now, even after giving up); the attempt
    with its outcome, or None when there was nothing to do. ``follow_up=False``: a single attempt
    with no retries (the test event, a manual redelivery)."""
    now = now or timezone.now()
    started = _start(delivery_id, now, force=force, follow_up=follow_up)
    if started is None:
        return None
    delivery, attempt, secrets_ = started
    event = delivery.event
    if not secrets_:
        response = outbound.Response(error_code="no_secret", error="no webhook secret")
    else:
        body = body_of(event)
        headers = signing.headers(msg_id=event.event_id, timestamp=int(now.timestamp()), body=body, secrets_=secrets_)
        response = outbound.post(delivery.client.webhook_url, body, headers)
    _finish(delivery.pk, attempt, response, follow_up=follow_up)
    if not response.ok:
        log.warning("webhook %s (%s) to client %s: attempt %d failed: %s %s", event.event_id, event.type,
                    delivery.client_id, attempt.number, response.error_code, response.status_code or "")
    return attempt


def sweep(now: dt.datetime | None = None) -> int:
    """Queue every delivery whose booked job should have run a minute ago and did not; returns
    how many were queued. Idempotent: an attempt only starts when one is due."""
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    due = list(WebhookDelivery.objects.filter(status__in=[Status.PENDING, Status.RETRYING, Status.SENDING],
                                              next_attempt_at__lte=late)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:5000])
    for pk in due:
        enqueue(JOB, pk, queue=QUEUE)
    return len(due)
