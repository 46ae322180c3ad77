"""Platform API authentication: per-client bearer tokens with scopes, stored as SHA-256.

Clients and their tokens are managed by ``core.clients`` (``api_client_create`` is re-exported
here for the callers that know it from here).
"""

from __future__ import annotations

from functools import wraps

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from core.clients import api_client_create, client_for_token, forget_cached_clients
from core.models import ApiClient

__all__ = ["TokenAuth", "api_client_create", "forget_cached_clients", "require_scope"]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        client = client_for_token(token)
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
