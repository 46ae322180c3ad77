"""Notices: signed webhook delivery to a local HTTP receiver, retries with backoff, pull API."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from core.apiauth import api_client_create
from moderation import services
from moderation.choices import MeasureKind
from moderation.models import Notice, NoticeDelivery


class Receiver:
    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = 503 if len(receiver.requests) <= receiver.fail_first else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/notices"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver(fail_first=2)
    yield r
    r.close()


def test_webhook_signed_and_retried_with_backoff(make_account, moderator, receiver, django_capture_on_commit_callbacks):
    client, _token = api_client_create(actor=None, name="platform-hooks", scopes=["notices:read"],
                                       webhook_url=receiver.url)
    account = make_account()
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                               reason="夸大其词")
    notice = Notice.objects.get(account=account)
    assert notice.delivery_status == "failed"  # first attempt got 503
    assert services.retry_due_deliveries() == 0  # backoff not yet passed
    later = timezone.now() + dt.timedelta(seconds=11)
    assert services.retry_due_deliveries(now=later) == 1  # attempt 2 → 503
    assert services.retry_due_deliveries(now=later + dt.timedelta(seconds=61)) == 1  # attempt 3 → 204
    assert services.retry_due_deliveries(now=later + dt.timedelta(hours=5)) == 0
    attempts = list(NoticeDelivery.objects.filter(notice=notice).values_list("attempt", "status_code", "ok"))
    assert attempts == [(1, 503, False), (2, 503, False), (3, 204, True)]
    notice.refresh_from_db()
    assert notice.delivery_status == "delivered"
    headers, body = receiver.requests[-1]
    t, v1 = (part.split("=", 1)[1] for part in headers["X-Qinglang-Signature"].split(","))
    client.refresh_from_db()
    expected = hmac.new(client.webhook_secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(v1, expected)
    payload = json.loads(body)
    assert payload["kind"] == "measure_applied" and payload["account_uid"] == account.uid
    assert headers["X-Qinglang-Notice-Id"] == str(notice.pk)


def test_unreachable_webhook_is_recorded(make_account, moderator, django_capture_on_commit_callbacks):
    api_client_create(actor=None, name="dead-hook", scopes=["notices:read"], webhook_url="http://127.0.0.1:9/x")
    account = make_account()
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                               reason="夸大其词")
    delivery = NoticeDelivery.objects.get()
    assert not delivery.ok and delivery.status_code is None and delivery.error


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
