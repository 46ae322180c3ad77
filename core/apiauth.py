"""Platform API authentication: per-client bearer tokens with scopes, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
import time
from functools import wraps

from django.db import transaction
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from core.audit import record
from core.models import ApiClient
from core.registry import registry


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, actor, name: str, scopes: list[str], webhook_url: str = "") -> tuple[ApiClient, str]:
    """Create a client and return its token — the only time the token exists in clear."""
    unknown = set(scopes) - set(registry.api_scopes) - {"*"}
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    token = "qlk_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name, token_prefix=token[:12], token_hash=_hash(token), scopes=sorted(scopes),
        webhook_url=webhook_url, webhook_secret=secrets.token_urlsafe(32),
    )
    record("api_client.created", actor=actor, subject=client, new={"name": name, "scopes": sorted(scopes)})
    return client, token


# Token hash → (client, monotonic deadline). A platform service calls many times a second; the
# client row is read at most once per ``CACHE_SECONDS`` per process, so deactivating a client
# (or changing its scopes) takes effect within that time. Unknown tokens are never cached.
CACHE_SECONDS = 5.0
_clients: dict[str, tuple[ApiClient, float]] = {}


def forget_cached_clients() -> None:
    _clients.clear()


def _active_client(token_hash: str) -> ApiClient | None:
    cached = _clients.get(token_hash)
    now = time.monotonic()
    if cached is not None and cached[1] > now:
        return cached[0]
    client = ApiClient.objects.filter(token_hash=token_hash, is_active=True).first()
    if client is None:
        _clients.pop(token_hash, None)
        return None
    if len(_clients) > 1000:
        _clients.clear()
    _clients[token_hash] = (client, now + CACHE_SECONDS)
    return client


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        client = _active_client(_hash(token))
        if client is None:
            return None
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        request.api_client = client
        return client


def require_scope(scope: str):
    """Endpoint decorator: 403 unless the calling client holds ``scope``."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            client = getattr(request, "auth", None)
            if client is None or not client.has_scope(scope):
                raise HttpError(403, f"此客户端没有 {scope} 权限")
            return fn(request, *args, **kwargs)

        return wrapper

    return decorator
