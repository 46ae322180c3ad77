"""API clients managed in the back office (admins only, every change audited): tokens and secrets
shown once, rotation with overlap, revocation, disabling, the test event, and the client page."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core import clients, crypto
from core.errors import ServiceError
from core.models import ApiCall, ApiClient, AuditEntry, WebhookDelivery
from core.webhooks import webhook_send


def _call(token: str) -> int:
    return Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/notices").status_code


def _audit(client, event):
    return AuditEntry.objects.filter(event=event, subject_type="core.apiclient", subject_id=str(client.pk))


def _no_secret_recorded(*values):
    everything = json.dumps(list(AuditEntry.objects.values_list("old", "new")), ensure_ascii=False)
    for value in values:
        assert value not in everything


def test_create_shows_token_and_secret_once_and_stores_neither(db, admin_user):
    client, token = clients.api_client_create(actor=admin_user, name="app", scopes=["notices:read"],
                                              webhook_url="https://1.1.1.1/hooks")
    secret = client.webhook_secret
    assert token.startswith("qlk_") and secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    stored = ApiClient.objects.get(pk=client.pk)
    assert not hasattr(stored, "webhook_secret")
    assert token not in str(stored.__dict__) and secret not in str(stored.__dict__)
    assert crypto.decrypt(stored.webhook_secret_encrypted) == secret
    assert _call(token) == 200
    entry = _audit(client, "api_client.created").get()
    assert entry.actor_label == "admin" and entry.new["scopes"] == ["notices:read"]
    _no_secret_recorded(token, secret, secret[6:])


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "", "scopes": ["notices:read"]}, "name"),
    ({"name": "x", "scopes": ["notices:write"]}, "scopes"),
    ({"name": "x", "scopes": []}, "scopes"),
    ({"name": "x", "scopes": ["notices:read"], "webhook_events": ["notice.deleted"]}, "webhook_events"),
    ({"name": "x", "scopes": ["notices:read"], "webhook_url": "not a url"}, "webhook_url"),
])
def test_create_refuses_bad_input_naming_the_field(db, kwargs, field):
    with pytest.raises(ServiceError) as refused:
        clients.api_client_create(actor=None, **kwargs)
    assert refused.value.field == field


def test_only_admins_manage_clients(db, moderator, supervisor, auditor):
    client, _token = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    for user in (moderator, supervisor, auditor):
        for call in (lambda u: clients.api_client_create(actor=u, name="x", scopes=["notices:read"]),
                     lambda u: clients.api_client_rotate_token(actor=u, client=client),
                     lambda u: clients.api_client_revoke_token(actor=u, client=client),
                     lambda u: clients.api_client_rotate_secret(actor=u, client=client),
                     lambda u: clients.api_client_set_active(actor=u, client=client, active=False),
                     lambda u: clients.api_client_update(actor=u, client=client, scopes=["*"], webhook_url="")):
            with pytest.raises(ServiceError) as refused:
                call(user)
            assert refused.value.status == 403
    assert AuditEntry.objects.filter(event__startswith="api_client.").count() == 1


def test_token_rotation_with_overlap_then_without(db, admin_user, django_capture_on_commit_callbacks):
    client, old = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    with django_capture_on_commit_callbacks(execute=True):
        new = clients.api_client_rotate_token(actor=admin_user, client=client, overlap_hours=1)
    assert new != old and _call(new) == 200 and _call(old) == 200  # both work during the overlap
    ApiClient.objects.filter(pk=client.pk).update(previous_token_expires_at=timezone.now() - dt.timedelta(seconds=1))
    clients.forget_cached_clients()
    assert _call(old) == 401 and _call(new) == 200
    with django_capture_on_commit_callbacks(execute=True):
        newest = clients.api_client_rotate_token(actor=admin_user, client=client, overlap_hours=0)
    assert _call(new) == 401 and _call(newest) == 200
    entries = list(_audit(client, "api_client.token_rotated").order_by("id"))
    assert entries[0].old["token_prefix"] == old[:12] and entries[0].new["token_prefix"] == new[:12]
    assert entries[0].new["old_token_valid_until"] and entries[1].new["old_token_valid_until"] is None
    _no_secret_recorded(old, new, newest)


def test_revoke_stops_the_token_at_once_and_rotation_issues_a_new_one(db, admin_user,
                                                                     django_capture_on_commit_callbacks):
    client, token = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    assert _call(token) == 200  # now cached in this process
    with django_capture_on_commit_callbacks(execute=True):
        clients.api_client_revoke_token(actor=admin_user, client=client)
    assert _call(token) == 401
    assert _audit(client, "api_client.token_revoked").exists()
    with pytest.raises(ServiceError):
        clients.api_client_revoke_token(actor=admin_user, client=client)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = clients.api_client_rotate_token(actor=admin_user, client=client, overlap_hours=24)
    assert _call(fresh) == 200 and _call(token) == 401  # a revoked token never overlaps


def test_disable_and_enable_are_audited_and_stop_the_token(db, admin_user, django_capture_on_commit_callbacks):
    client, token = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    with django_capture_on_commit_callbacks(execute=True):
        clients.api_client_set_active(actor=admin_user, client=client, active=False)
    assert _call(token) == 401
    with django_capture_on_commit_callbacks(execute=True):
        clients.api_client_set_active(actor=admin_user, client=client, active=True)
    assert _call(token) == 200
    assert _audit(client, "api_client.disabled").get().new == {"is_active": False}
    assert _audit(client, "api_client.enabled").exists()


def test_update_is_audited_with_old_and_new(db, admin_user):
    client, _token = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    clients.api_client_update(actor=admin_user, client=client, scopes=["notices:read", "accounts:read"],
                              webhook_url="https://1.1.1.1/in", webhook_events=["measure.applied"])
    entry = _audit(client, "api_client.updated").get()
    assert entry.old["webhook_url"] == "" and entry.new["webhook_url"] == "https://1.1.1.1/in"
    assert entry.new["scopes"] == ["accounts:read", "notices:read"] and entry.new["webhook_events"] == ["measure.applied"]


def test_secret_rotation_is_audited_without_the_secret(hooked, admin_user):
    client, _token, _receiver = hooked()
    secret = clients.api_client_rotate_secret(actor=admin_user, client=client, overlap_hours=24)
    entry = _audit(client, "api_client.secret_rotated").get()
    assert entry.new["old_secret_valid_until"]
    _no_secret_recorded(secret, secret[6:])
    with pytest.raises(ServiceError) as refused:
        clients.api_client_rotate_secret(actor=admin_user, client=client, overlap_hours=24 * 30)
    assert refused.value.field == "overlap_hours"


def test_the_command_prints_token_and_secret_once(db, capsys):
    call_command("create_api_client", "from-shell", "--scope", "notices:read")
    out = capsys.readouterr().out
    token = out.split("token (shown once): ")[1].split()[0]
    secret = out.split("webhook secret (shown once): ")[1].split()[0]
    client = ApiClient.objects.get(name="from-shell")
    assert _call(token) == 200 and crypto.decrypt(client.webhook_secret_encrypted) == secret
    assert AuditEntry.objects.get(event="api_client.created").actor_label == "system"


def test_the_command_names_the_field_it_refuses(db, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="webhook_url"):
        call_command("create_api_client", "x", "--scope", "notices:read", "--webhook-url", "http://127.0.0.1/x")


# --- pages ---------------------------------------------------------------------------------

PAGES = ["/records/clients/", "/records/clients/new/", "/records/clients/{pk}/", "/records/clients/{pk}/edit/"]
ACTIONS = ["token/rotate/", "token/revoke/", "secret/rotate/", "toggle/", "test/"]


@pytest.mark.parametrize("role", ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"])
def test_client_pages_are_for_admins_only(db, request, login, role):
    client, _token = clients.api_client_create(actor=None, name="app", scopes=["notices:read"])
    user = None if role == "anonymous" else request.getfixturevalue(role)
    browser = login(user)
    expected = {"anonymous": 302, "admin_user": 200}.get(role, 403)
    for url in PAGES:
        assert browser.get(url.format(pk=client.pk)).status_code == expected, url
    if role != "admin_user":
        for action in ACTIONS:
            assert browser.post(f"/records/clients/{client.pk}/{action}").status_code == expected, action
        assert AuditEntry.objects.filter(event__startswith="api_client.").count() == 1
    nav = browser.get("/").content.decode() if user else ""
    assert ("/records/clients/" in nav) == (role == "admin_user")


def test_create_on_the_page_shows_the_credentials_once(login, admin_user, make_receiver):
    receiver = make_receiver()
    browser = login(admin_user)
    r = browser.post("/records/clients/new/", {"name": "平台服务", "scopes": ["notices:read", "complaints:write"],
                                               "webhook_url": receiver.url})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    html = r.content.decode()
    client = ApiClient.objects.get(name="平台服务")
    secret = crypto.decrypt(client.webhook_secret_encrypted)
    assert secret in html and "只显示这一次" in html
    token = html.split('data-testid="token">')[1].split("<")[0]
    assert _call(token) == 200
    detail = browser.get(f"/records/clients/{client.pk}/").content.decode()
    assert secret not in detail and token not in detail and client.token_prefix in detail


def test_a_private_url_is_refused_on_the_page_under_its_field(login, admin_user, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    r = login(admin_user).post("/records/clients/new/", {"name": "p", "scopes": ["notices:read"],
                                                         "webhook_url": "http://169.254.169.254/latest/meta-data/"})
    html = r.content.decode()
    assert r.status_code == 422 and "云服务器元数据地址" in html and 'id="error-webhook_url"' in html
    assert not ApiClient.objects.filter(name="p").exists()


def test_rotations_on_the_page(login, admin_user, hooked):
    client, token, _receiver = hooked()
    browser = login(admin_user)
    r = browser.post(f"/records/clients/{client.pk}/token/rotate/", {"overlap_hours": "1"})
    new_token = r.content.decode().split('data-testid="token">')[1].split("<")[0]
    assert new_token != token and _call(new_token) == 200 and _call(token) == 200
    r = browser.post(f"/records/clients/{client.pk}/secret/rotate/", {"overlap_hours": "24"})
    secret = r.content.decode().split('data-testid="secret">')[1].split("<")[0]
    client.refresh_from_db()
    assert secret.startswith("whsec_") and crypto.decrypt(client.webhook_secret_encrypted) == secret
    assert client.previous_webhook_secret_expires_at > timezone.now() + dt.timedelta(hours=23)
    r = browser.post(f"/records/clients/{client.pk}/token/rotate/", {"overlap_hours": "5"})
    assert r.status_code == 302  # not an offered choice: refused, nothing rotated
    assert _call(new_token) == 200


def test_send_a_test_event_shows_the_receivers_answer(login, admin_user, hooked):
    client, _token, receiver = hooked(default=200)
    r = login(admin_user).post(f"/records/clients/{client.pk}/test/")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="test-result"' in html
    assert "{&quot;ok&quot;:true}" in html and "成功" in html
    assert receiver.requests[0].verified and receiver.requests[0].payload["type"] == "webhook.test"
    assert _audit(client, "api_client.test_sent").exists()
    receiver.secret = "whsec_" + base64.b64encode(b"w" * 32).decode()  # the platform has the wrong secret
    html = login(admin_user).post(f"/records/clients/{client.pk}/test/").content.decode()
    assert "401" in html and "No matching signature found" in html


def test_the_client_page_lists_calls_and_deliveries_with_attempts(login, admin_user, hooked,
                                                                 django_assert_max_num_queries):
    client, token, _receiver = hooked(answers=[503, 503, 503])
    for _ in range(3):
        _call(token)
    for i in range(3):
        webhook_send("webhook.test", {"message": f"m{i}"}, client=client, follow_up=False)
    from core.webhooks import delivery_attempt

    for delivery in WebhookDelivery.objects.filter(client=client):
        delivery_attempt(delivery_id=delivery.pk, follow_up=False)
    browser = login(admin_user)
    with django_assert_max_num_queries(12):
        html = browser.get(f"/records/clients/{client.pk}/").content.decode()
    assert html.count('data-delivery="') == 3 and "对方返回非 2xx 状态码" in html and "已放弃" in html
    assert html.count("/api/v1/notices") == 3 and ApiCall.objects.filter(client=client).count() == 3
    failing = browser.get(f"/records/clients/{client.pk}/?failing=1").content.decode()
    assert failing.count('data-delivery="') == 3


def test_a_given_up_delivery_can_be_sent_again(login, admin_user, hooked):
    client, _token, receiver = hooked(answers=[503])
    delivery = webhook_send("webhook.test", {"message": "x"}, client=client, follow_up=False).deliveries.get()
    from core.webhooks import delivery_attempt

    delivery_attempt(delivery_id=delivery.pk, follow_up=False)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.GIVEN_UP
    r = login(admin_user).post(f"/records/deliveries/{delivery.pk}/redeliver/")
    assert r.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempt_count == 2
    assert _audit(client, "api_client.redelivered").get().new["event_id"] == delivery.event.event_id
    assert len(receiver.requests) == 2
