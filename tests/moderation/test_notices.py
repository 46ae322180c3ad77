"""Notices: the notice.created webhook event (signed, retried, recorded in core) and the pull API.
The webhook contract itself is tested in tests/webhooks/."""

import datetime as dt
import json

from standardwebhooks import Webhook

from core.apiauth import api_client_create
from core.models import WebhookAttempt
from core.webhooks import delivery_attempt
from moderation import services
from moderation.choices import MeasureKind
from moderation.models import Notice
from tests.webhooks.receiver import Receiver


def test_notice_webhook_signed_and_retried(make_account, moderator, django_capture_on_commit_callbacks):
    receiver = Receiver(answers=[503, 503])
    try:
        client, _token = api_client_create(actor=None, name="platform-hooks", scopes=["notices:read"],
                                           webhook_url=receiver.url, webhook_events=["notice.created"])
        receiver.secret = client.webhook_secret
        account = make_account()
        with django_capture_on_commit_callbacks(execute=True):
            services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                                   reason="夸大其词")
        notice = Notice.objects.get(account=account)
        assert notice.delivery_status == "failed"  # first attempt got 503
        delivery = notice.webhook_event.deliveries.get()
        start = delivery.attempts.get().started_at
        assert delivery_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=5)) is None  # not yet due
        delivery_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=11))  # attempt 2 → 503
        delivery_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=11 + 61))  # attempt 3 → 204
        attempts = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code", "outcome"))
        assert attempts == [(1, 503, "failed"), (2, 503, "failed"), (3, 204, "succeeded")]
        notice.refresh_from_db()
        assert notice.delivery_status == "delivered"
        last = receiver.requests[-1]
        payload = Webhook(client.webhook_secret).verify(last.body, last.headers)
        assert payload["type"] == "notice.created" and payload["id"] == notice.webhook_event.event_id
        assert payload["data"]["kind"] == "measure_applied" and payload["data"]["account_uid"] == account.uid
        assert payload["data"]["id"] == notice.pk  # the notice id the pull API gives: push and pull de-duplicate
        assert json.loads(last.body)["data"] == notice.payload
    finally:
        receiver.close()


def test_notices_pull_api(api, make_account, moderator):
    account = make_account(uid="n1")
    for reason in ("夸大其词一", "夸大其词二", "夸大其词三"):
        services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                               reason=reason)
    r = api.get("/api/v1/notices?limit=2")
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 2 and body["next_after_id"] == body["items"][-1]["id"]
    rest = api.get(f"/api/v1/notices?after_id={body['next_after_id']}").json()
    assert len(rest["items"]) == 1 and rest["next_after_id"] is None
    assert "第十七条" in rest["items"][0]["body"]
    assert api.get("/api/v1/notices?limit=0").status_code == 422
