"""Fixed-window rate limits in the shared cache (Redis in production), keyed by keyed hashes.

Raw IPs never reach the cache, the database or the logs: callers pass ``ip_key(ip)``.
"""

from __future__ import annotations

import ipaddress

from django.core.cache import cache

from complaints import conf
from core import crypto
from core.errors import ServiceError


def ip_key(ip: str) -> str:
    """Keyed hash of the client address; IPv6 is reduced to its /64 (one subscriber's block)."""
    try:
        addr = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return crypto.keyed_hash("ip", "invalid")
    if addr.version == 6:
        return crypto.keyed_hash("ip", str(ipaddress.ip_network(f"{addr}/64", strict=False).network_address))
    return crypto.keyed_hash("ip", str(addr))


def hit(scope: str, key: str) -> bool:
    """Count one request against every window of ``scope``; False when any window is exceeded."""
    allowed = True
    for limit, window in conf.rate_limits().get(scope, []):
        cache_key = f"complaints:rl:{scope}:{window}:{key}"
        cache.add(cache_key, 0, timeout=window)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            count = 1
        if count > limit:
            allowed = False
    return allowed


def check(scope: str, key: str, message: str) -> None:
    if not hit(scope, key):
        raise ServiceError(message, code="rate_limited", status=429)
