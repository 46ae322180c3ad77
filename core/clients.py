"""Platform API clients: issue, change, rotate and revoke their credentials, send a test event.

Admins manage clients in the back office (``core.manage_apiclient``); the shell command
``create_api_client`` runs as the system. Every change writes an audit entry. A token or a
webhook secret exists in clear only in the answer to the call that made it (the page shows it
once): the token is stored as a SHA-256, the secret encrypted with the field key (it must be
readable to sign). Neither ever goes into an audit entry or a log line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import crypto
from core.audit import record
from core.errors import ServiceError
from core.models import ApiClient, WebhookAttempt, WebhookDelivery
from core.registry import registry
from core.webhooks import delivery_attempt, webhook_send
from core.webhooks.outbound import check_url
from core.webhooks.signing import new_secret

PERMISSION = "core.manage_apiclient"
TEST_EVENT = "webhook.test"
MAX_OVERLAP_HOURS = 24 * 7


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require(actor) -> None:
    """Staff need ``core.manage_apiclient``; ``None`` is the system (the shell command)."""
    if actor is not None and not actor.has_perm(PERMISSION):
        raise ServiceError(_("没有管理接口客户端的权限"), code="forbidden", status=403)


def _new_token(client: ApiClient) -> str:
    token = "qlk_" + secrets.token_urlsafe(32)
    client.token_prefix, client.token_hash = token[:12], hash_token(token)
    return token


def _clean_scopes(scopes) -> list[str]:
    scopes = sorted(set(scopes or ()))
    unknown = sorted(set(scopes) - set(registry.api_scopes) - {"*"})
    if unknown:
        raise ServiceError(_("未知的权限范围：%(scopes)s") % {"scopes": "、".join(unknown)}, field="scopes")
    if not scopes:
        raise ServiceError(_("请至少选择一个权限范围"), field="scopes")
    return scopes


def _clean_events(events) -> list[str]:
    events = sorted(set(events or ()))
    subscribable = {t for t, spec in registry.webhook_events.items() if spec.scope is not None}
    unknown = sorted(set(events) - subscribable)
    if unknown:
        raise ServiceError(_("未知的事件类型：%(types)s") % {"types": "、".join(unknown)}, field="webhook_events")
    return events


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        check_url(url)
    return url


def _overlap(hours) -> dt.timedelta:
    if not isinstance(hours, int) or not 0 <= hours <= MAX_OVERLAP_HOURS:
        raise ServiceError(_("过渡期须在 0 到 %(max)s 小时之间") % {"max": MAX_OVERLAP_HOURS}, field="overlap_hours")
    return dt.timedelta(hours=hours)


def _settings(client: ApiClient) -> dict:
    return {"scopes": client.scopes, "webhook_url": client.webhook_url, "webhook_events": client.webhook_events}


@transaction.atomic
def api_client_create(*, actor, name: str, scopes, webhook_url: str = "", webhook_events=()) -> tuple[ApiClient, str]:
    """Create a client; returns it with its token — the only time the token exists in clear.
    Its new webhook secret is on the returned instance as ``webhook_secret`` (shown once too)."""
    _require(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写客户端名称"), field="name")
    if ApiClient.objects.filter(name=name).exists():
        raise ServiceError(_("已有名为「%(name)s」的客户端") % {"name": name}, field="name", code="duplicate")
    client = ApiClient(name=name, scopes=_clean_scopes(scopes), webhook_url=_clean_url(webhook_url),
                       webhook_events=_clean_events(webhook_events))
    token = _new_token(client)
    secret = new_secret()
    client.webhook_secret_encrypted = crypto.encrypt(secret)
    client.save()
    record("api_client.created", actor=actor, subject=client, new={"name": name, "token_prefix": client.token_prefix,
                                                                  **_settings(client)})
    client.webhook_secret = secret
    return client, token


@transaction.atomic
def api_client_update(*, actor, client: ApiClient, scopes, webhook_url: str, webhook_events=()) -> ApiClient:
    """Change what a client may do and where its events go (the URL is checked again)."""
    _require(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    old = _settings(client)
    client.scopes, client.webhook_events = _clean_scopes(scopes), _clean_events(webhook_events)
    url = (webhook_url or "").strip()
    client.webhook_url = _clean_url(url) if url != client.webhook_url else url
    new = _settings(client)
    if new != old:
        client.save(update_fields=["scopes", "webhook_url", "webhook_events"])
        record("api_client.updated", actor=actor, subject=client, old=old, new=new)
    return client


@transaction.atomic
def api_client_rotate_token(*, actor, client: ApiClient, overlap_hours: int = 0) -> str:
    """Issue a new token; the old one keeps working for ``overlap_hours`` (0: stops now) so the
    platform can deploy the new one without a gap. Returns the token (shown once)."""
    _require(actor)
    overlap = _overlap(overlap_hours)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    now = timezone.now()
    old_prefix = client.token_prefix
    keep_old = overlap and client.token_revoked_at is None
    client.previous_token_hash = client.token_hash if keep_old else ""
    client.previous_token_expires_at = now + overlap if keep_old else None
    token = _new_token(client)
    client.token_rotated_at, client.token_revoked_at = now, None
    client.save()
    record("api_client.token_rotated", actor=actor, subject=client, old={"token_prefix": old_prefix},
           new={"token_prefix": client.token_prefix, "old_token_valid_until": client.previous_token_expires_at})
    _forget_cached()
    return token


@transaction.atomic
def api_client_revoke_token(*, actor, client: ApiClient) -> ApiClient:
    """Stop the client's token (and any overlapping old one) at once; a rotation issues a new one."""
    _require(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.token_revoked_at is not None:
        raise ServiceError(_("该客户端的令牌已吊销"), code="already_revoked", status=409)
    client.token_revoked_at = timezone.now()
    client.previous_token_hash, client.previous_token_expires_at = "", None
    client.save(update_fields=["token_revoked_at", "previous_token_hash", "previous_token_expires_at"])
    record("api_client.token_revoked", actor=actor, subject=client, new={"token_prefix": client.token_prefix})
    _forget_cached()
    return client


@transaction.atomic
def api_client_rotate_secret(*, actor, client: ApiClient, overlap_hours: int = 24) -> str:
    """A new webhook signing secret; during the overlap every delivery is signed with both (one
    header, two signatures), so the receiver can switch at any moment without failing a single
    delivery. Returns the secret (shown once)."""
    _require(actor)
    overlap = _overlap(overlap_hours)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    now = timezone.now()
    keep_old = overlap and client.webhook_secret_encrypted
    client.previous_webhook_secret_encrypted = client.webhook_secret_encrypted if keep_old else ""
    client.previous_webhook_secret_expires_at = now + overlap if keep_old else None
    secret = new_secret()
    client.webhook_secret_encrypted, client.webhook_secret_rotated_at = crypto.encrypt(secret), now
    client.save()
    record("api_client.secret_rotated", actor=actor, subject=client,
           new={"old_secret_valid_until": client.previous_webhook_secret_expires_at})
    return secret


@transaction.atomic
def api_client_set_active(*, actor, client: ApiClient, active: bool) -> ApiClient:
    """Disable a client (its token stops working and nothing more is delivered to it) or enable it again."""
    _require(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.is_active == active:
        return client
    client.is_active = active
    client.save(update_fields=["is_active"])
    record("api_client.enabled" if active else "api_client.disabled", actor=actor, subject=client,
           old={"is_active": not active}, new={"is_active": active})
    _forget_cached()
    return client


def api_client_send_test(*, actor, client: ApiClient) -> WebhookAttempt:
    """Send a ``webhook.test`` event to the client now, once, and return the attempt with the
    receiver's answer (status, the start of its body, or what went wrong)."""
    _require(actor)
    with transaction.atomic():
        client = ApiClient.objects.get(pk=client.pk)
        if not client.is_active or not client.webhook_url:
            raise ServiceError(_("该客户端已停用或未配置回调地址"), field="webhook_url", code="no_webhook")
        event = webhook_send(TEST_EVENT, {"client": client.name, "message": "这是一条测试事件（webhook.test），无需处理。"},
                             client=client, follow_up=False)
        delivery = event.deliveries.get()
        record("api_client.test_sent", actor=actor, subject=client, new={"event_id": event.event_id})
    return delivery_attempt(delivery_id=delivery.pk, follow_up=False)


def webhook_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookAttempt:
    """Send a delivery again now, once (say, after the receiver was down past the last retry)."""
    _require(actor)
    with transaction.atomic():
        record("api_client.redelivered", actor=actor, subject=delivery.client,
               new={"event_id": delivery.event.event_id, "type": delivery.event.type})
    attempt = delivery_attempt(delivery_id=delivery.pk, force=True, follow_up=False)
    if attempt is None:
        raise ServiceError(_("该投递正在发送中或已送达"), code="busy", status=409)
    return attempt


# Token hash → (client, monotonic deadline). A platform service calls many times a second; the
# client row is read at most once per ``CACHE_SECONDS`` per process, so disabling a client, or
# rotating or revoking its token, takes effect in other processes within that time (in this one
# at once). Unknown tokens are never cached.
CACHE_SECONDS = 5.0
_cached: dict[str, tuple[ApiClient, float]] = {}


def forget_cached_clients() -> None:
    _cached.clear()


def _forget_cached() -> None:
    transaction.on_commit(forget_cached_clients)


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token``: its current token (unless revoked), or the previous
    one during a rotation's overlap."""
    token_hash = hash_token(token)
    cached = _cached.get(token_hash)
    now = time.monotonic()
    if cached is not None and cached[1] > now:
        return cached[0]
    client = (ApiClient.objects.filter(is_active=True, token_revoked_at__isnull=True)
              .filter(Q(token_hash=token_hash)
                      | Q(previous_token_hash=token_hash, previous_token_expires_at__gt=timezone.now()))
              .first())
    if client is None:
        _cached.pop(token_hash, None)
        return None
    if len(_cached) > 1000:
        _cached.clear()
    # An overlapping old token is cached no longer than it stays valid.
    until = now + CACHE_SECONDS
    if client.token_hash != token_hash:
        until = min(until, now + (client.previous_token_expires_at - timezone.now()).total_seconds())
    _cached[token_hash] = (client, until)
    return client
