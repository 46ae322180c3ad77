"""Standard Webhooks signatures (the convention Svix and others follow).

Each request carries ``webhook-id`` (the event id, the same on every retry), ``webhook-timestamp``
(Unix seconds of this attempt) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` over
``"{id}.{timestamp}.{body}"`` keyed with the base64-decoded part of the client's ``whsec_…``
secret. While a rotated secret overlaps, the header carries one signature per secret separated
by a space (the specification's way to rotate without a gap); a receiver accepts the request
when any of them verifies. Receivers verify with any Standard Webhooks library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix every secret carries, not a secret
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(*, msg_id: str, timestamp: int, body: bytes, secrets_: list[str]) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret in ``secrets_``."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
    }


def new_event_id(now: float | None = None) -> str:
    """``msg_`` + a ULID (48-bit milliseconds + 80 random bits, Crockford base32): unique and
    roughly time-ordered, so ids sort like the events."""
    millis = int((time.time() if now is None else now) * 1000)
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_CROCKFORD[digit])
    return "msg_" + "".join(reversed(chars))
