"""Fixed-window rate limits in the shared cache (Redis in production; PostgreSQL while Redis is
unreachable), keyed by keyed hashes.

Raw IPs never reach the cache, the database or the logs: callers pass ``ip_key(ip)``.
"""

from __future__ import annotations

import ipaddress

from complaints import conf
from core import crypto
from core.errors import ServiceError
from core.resilience import incr_window


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
    """Count one request against every window of ``scope``; False when any window is exceeded.
    While Redis is unreachable the windows are counted in PostgreSQL (core.resilience)."""
    allowed = True
    for limit, window in conf.rate_limits().get(scope, []):
        if incr_window(f"complaints:rl:{scope}:{key}", window) > limit:
            allowed = False
    return allowed


def check(scope: str, key: str, message: str) -> None:
    if not hit(scope, key):
        raise ServiceError(message, code="rate_limited", status=429)
