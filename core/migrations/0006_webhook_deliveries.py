"""One webhook mechanism in core (Standard Webhooks): events, deliveries and their attempts;
API clients get token rotation/revocation and an encrypted, rotatable ``whsec_`` signing secret.

An existing ``webhook_secret`` (a random string whose UTF-8 bytes were the HMAC key) becomes
``whsec_`` + base64 of those same bytes, encrypted with the field key: the key does not change,
only how it is written and stored.
"""

import base64

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def secrets_to_whsec(apps, schema_editor):
    from core import crypto

    ApiClient = apps.get_model("core", "ApiClient")
    for client in ApiClient.objects.exclude(webhook_secret=""):
        whsec = "whsec_" + base64.b64encode(client.webhook_secret.encode()).decode()
        ApiClient.objects.filter(pk=client.pk).update(webhook_secret_encrypted=crypto.encrypt(whsec))


def whsec_to_secrets(apps, schema_editor):
    from core import crypto

    ApiClient = apps.get_model("core", "ApiClient")
    for client in ApiClient.objects.exclude(webhook_secret_encrypted=""):
        key = base64.b64decode(crypto.decrypt(client.webhook_secret_encrypted).removeprefix("whsec_"))
        ApiClient.objects.filter(pk=client.pk).update(webhook_secret=key.decode("utf-8", "replace")[:128])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_apicall_created_at_is_call_time'),
    ]

    operations = [
        migrations.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('outcome', models.CharField(choices=[('sending', '发送中'), ('succeeded', '成功'), ('failed', '失败'), ('interrupted', '中断（发送后未记录结果）')], default='sending', max_length=12)),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('error_code', models.CharField(blank=True, max_length=20)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('duration_ms', models.PositiveIntegerField(default=0)),
                ('response_excerpt', models.TextField(blank=True)),
                ('job_id', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'ordering': ['number'],
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('delivered', '已送达'), ('retrying', '失败，等待重试'), ('given_up', '已放弃')], default='pending', max_length=10)),
                ('attempt_count', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('last_status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('last_error_code', models.CharField(blank=True, max_length=20)),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='WebhookEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=40, unique=True)),
                ('type', models.CharField(db_index=True, max_length=60)),
                ('data', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='apiclient',
            options={'permissions': [('manage_apiclient', '管理接口客户端（令牌、签名密钥、回调）')], 'verbose_name': '平台接口客户端', 'verbose_name_plural': '平台接口客户端'},
        ),
        migrations.AddField(
            model_name='apiclient',
            name='previous_token_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='previous_token_hash',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='previous_webhook_secret_encrypted',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='previous_webhook_secret_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='token_revoked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='token_rotated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='webhook_events',
            field=models.JSONField(blank=True, default=list, verbose_name='订阅的事件'),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='webhook_secret_encrypted',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='webhook_secret_rotated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='webhook_url',
            field=models.URLField(blank=True, max_length=500, verbose_name='通知回调地址'),
        ),
        migrations.RunPython(secrets_to_whsec, whsec_to_secrets),
        migrations.RemoveField(
            model_name='apiclient',
            name='webhook_secret',
        ),
        migrations.AddIndex(
            model_name='apicall',
            index=models.Index(fields=['client', '-id'], name='apicall_client_idx'),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='client',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='webhook_deliveries', to='core.apiclient'),
        ),
        migrations.AddField(
            model_name='webhookattempt',
            name='delivery',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='core.webhookdelivery'),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='core.webhookevent'),
        ),
        migrations.AddConstraint(
            model_name='webhookattempt',
            constraint=models.UniqueConstraint(fields=('delivery', 'number'), name='uniq_webhook_attempt'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['status', 'next_attempt_at'], name='webhook_due_idx'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['client', '-id'], name='webhook_client_idx'),
        ),
        migrations.AddConstraint(
            model_name='webhookdelivery',
            constraint=models.UniqueConstraint(fields=('event', 'client'), name='uniq_webhook_delivery'),
        ),
    ]
