"""Complaint feedback to the platform becomes a ``complaint.feedback`` webhook event (core's one
mechanism, Standard Webhooks signatures) instead of its own ``sha256=`` scheme.

Platform notices not yet sent (pending or failed) get their event and a delivery due now, so the
webhook sweep delivers them under the new scheme; sent ones keep their record as it is.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def forward(apps, schema_editor):
    from core.webhooks.signing import new_event_id

    ComplainantNotice = apps.get_model("complaints", "ComplainantNotice")
    WebhookEvent = apps.get_model("core", "WebhookEvent")
    WebhookDelivery = apps.get_model("core", "WebhookDelivery")
    now = timezone.now()
    unsent = ComplainantNotice.objects.filter(channel="platform", status__in=["pending", "failed"],
                                              webhook_event=None).select_related("complaint__api_client")
    for notice in unsent.iterator():
        complaint, client = notice.complaint, notice.complaint.api_client
        if client is None or not client.is_active or not client.webhook_url:
            continue
        event = WebhookEvent.objects.create(
            event_id=new_event_id(notice.created_at.timestamp()), type="complaint.feedback", created_at=notice.created_at,
            data={"tracking_code": complaint.tracking_code, "external_ref": complaint.external_ref,
                  "status": complaint.status, "outcome": notice.body,
                  "feedback_sent_at": complaint.feedback_sent_at.isoformat() if complaint.feedback_sent_at else None})
        WebhookDelivery.objects.create(event=event, client=client, next_attempt_at=now, attempt_count=0,
                                       created_at=notice.created_at)
        notice.webhook_event = event
        notice.save(update_fields=["webhook_event"])


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0002_defaults_and_roles'),
        ('core', '0006_webhook_deliveries'),
    ]

    operations = [
        migrations.AddField(
            model_name='complainantnotice',
            name='webhook_event',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complainant_notice', to='core.webhookevent'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
