"""Notice deliveries move to core's webhook records (one mechanism for every app).

Each notice that has delivery attempts gets its ``notice.created`` event; its attempts per client
become a delivery with the same attempts. A delivery still within the old retry window (3 days)
and the retry schedule stays due, so the webhook sweep finishes it; older failed ones are given
up, as the old sweep would have. Notices still waiting for their first attempt get deliveries
for the clients that would have received them (active, with a webhook URL and ``notices:read``).
"""

import datetime as dt
from itertools import groupby

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OLD_RETRY_WINDOW = dt.timedelta(days=3)


def _event(apps, notice):
    from core.webhooks.signing import new_event_id

    WebhookEvent = apps.get_model("core", "WebhookEvent")
    event = WebhookEvent.objects.create(event_id=new_event_id(notice.created_at.timestamp()), type="notice.created",
                                        data=notice.payload, created_at=notice.created_at)
    notice.webhook_event = event
    notice.save(update_fields=["webhook_event"])
    return event


def _delivery(apps, event, notice, client_id, rows, now):
    WebhookDelivery = apps.get_model("core", "WebhookDelivery")
    WebhookAttempt = apps.get_model("core", "WebhookAttempt")
    schedule = settings.WEBHOOK_RETRY_SECONDS
    ok = [r for r in rows if r.ok]
    last = rows[-1]
    fields = {"status": "delivered", "delivered_at": ok[0].created_at, "next_attempt_at": None} if ok else (
        {"status": "given_up", "next_attempt_at": None}
        if len(rows) > len(schedule) or notice.created_at < now - OLD_RETRY_WINDOW
        else {"status": "retrying", "next_attempt_at": last.created_at + dt.timedelta(seconds=schedule[len(rows) - 1])})
    delivery = WebhookDelivery.objects.create(
        event=event, client_id=client_id, attempt_count=len(rows), last_status_code=last.status_code,
        last_error_code="" if last.ok else ("http_status" if last.status_code else "connect"),
        created_at=notice.created_at, **fields)
    WebhookAttempt.objects.bulk_create([WebhookAttempt(
        delivery=delivery, number=i, outcome="succeeded" if r.ok else "failed", started_at=r.created_at,
        finished_at=r.created_at, status_code=r.status_code, duration_ms=r.duration_ms, error=r.error,
        error_code="" if r.ok else ("http_status" if r.status_code else "connect"),
    ) for i, r in enumerate(rows, start=1)])


def _notice_clients(apps):
    ApiClient = apps.get_model("core", "ApiClient")
    return [c.pk for c in ApiClient.objects.filter(is_active=True).exclude(webhook_url="").order_by("pk")
            if "notices:read" in c.scopes or "*" in c.scopes]


def forward(apps, schema_editor):
    Notice = apps.get_model("moderation", "Notice")
    NoticeDelivery = apps.get_model("moderation", "NoticeDelivery")
    WebhookDelivery = apps.get_model("core", "WebhookDelivery")
    now = timezone.now()
    rows = NoticeDelivery.objects.exclude(client_id=None).order_by("notice_id", "client_id", "attempt", "id")
    for notice_id, of_notice in groupby(rows.iterator(), key=lambda r: r.notice_id):
        notice = Notice.objects.get(pk=notice_id)
        event = _event(apps, notice)
        for client_id, of_client in groupby(of_notice, key=lambda r: r.client_id):
            _delivery(apps, event, notice, client_id, list(of_client), now)
    clients = _notice_clients(apps)
    waiting = Notice.objects.filter(webhook_event=None, delivery_status="pending",
                                    created_at__gte=now - OLD_RETRY_WINDOW)
    for notice in waiting.iterator() if clients else ():
        event = _event(apps, notice)
        WebhookDelivery.objects.bulk_create([WebhookDelivery(event=event, client_id=c, next_attempt_at=now,
                                                             created_at=notice.created_at) for c in clients])


def backward(apps, schema_editor):
    Notice = apps.get_model("moderation", "Notice")
    NoticeDelivery = apps.get_model("moderation", "NoticeDelivery")
    WebhookAttempt = apps.get_model("core", "WebhookAttempt")
    for notice in Notice.objects.exclude(webhook_event=None).iterator():
        attempts = WebhookAttempt.objects.filter(delivery__event_id=notice.webhook_event_id).select_related("delivery")
        NoticeDelivery.objects.bulk_create([NoticeDelivery(
            notice=notice, client_id=a.delivery.client_id, attempt=a.number, status_code=a.status_code,
            ok=a.outcome == "succeeded", error=(a.error or a.error_code)[:300], duration_ms=a.duration_ms,
            created_at=a.finished_at or a.started_at) for a in attempts.order_by("delivery_id", "number")])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_webhook_deliveries'),
        ('moderation', '0006_lean_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='webhook_event',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notice', to='core.webhookevent'),
        ),
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(
            name='NoticeDelivery',
        ),
    ]
