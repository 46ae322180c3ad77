"""Field encryption and keyed hashes for personal data (Art 16).

Identity numbers and phone numbers are stored encrypted (Fernet, AES-128-CBC + HMAC, with key
rotation through MultiFernet) and alongside a keyed HMAC-SHA256 so the blocklist and duplicate
checks can match an identity without decrypting anything. Both keys are derived (HKDF) from
``QINGLANG_FIELD_KEY`` and ``QINGLANG_LOOKUP_KEY`` respectively; the database alone reveals nothing.

The lookup hash has its own key so the encryption keys can rotate (and old ones be dropped)
without changing a single stored hash — the re-registration blocklist (``BlockedIdentity``),
duplicate checks and reporter flags match on them. ``QINGLANG_LOOKUP_KEY`` is a *chain*
``k1,k2,…``: a value's hash is HMAC(k1, value) wrapped by HMAC(k2, ·) and so on. Rotating the
lookup key appends a key and wraps every stored hash once more (``manage.py rotate_lookup_key``,
docs/security.md), so hashes whose value is not kept (client addresses) survive too, and a leaked
old key alone no longer matches anything in the database. Keys are never removed from the chain.
Without ``QINGLANG_LOOKUP_KEY`` (development only) the chain is the last field key, which is
what every hash was computed with before the keys were separated: to upgrade a deployment, set
``QINGLANG_LOOKUP_KEY`` to the last key of ``QINGLANG_FIELD_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def derive_key(master: str, info: bytes) -> bytes:
    """A 32-byte key for one purpose (``info``) from a urlsafe-base64 master key of ≥ 32 bytes."""
    return _derive(master, info)


def _derive(master: str, info: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(master.encode() + b"=" * (-len(master) % 4))
    if len(raw) < 32:
        raise ValueError("QINGLANG_FIELD_KEY must decode to at least 32 bytes")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qinglang-field", info=info).derive(raw)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_derive(k, b"encrypt"))) for k in settings.FIELD_ENCRYPTION_KEYS]
    )


@cache
def _lookup_keys() -> tuple[bytes, ...]:
    masters = settings.LOOKUP_KEYS or [settings.FIELD_ENCRYPTION_KEYS[-1]]
    return tuple(lookup_key(k) for k in masters)


def lookup_key(master: str) -> bytes:
    """The HMAC key derived from one ``QINGLANG_LOOKUP_KEY`` entry."""
    return _derive(master, b"lookup-hash")


def rewrap(stored: str, key: bytes) -> str:
    """One more link of the chain over a stored lookup hash (``rotate_lookup_key``)."""
    return hmac.new(key, stored.encode(), hashlib.sha256).hexdigest()


def forget_keys() -> None:
    """Drop the cached keys (tests that change the key settings)."""
    _fernet.cache_clear()
    _lookup_keys.cache_clear()


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def keyed_hash(kind: str, normalised: str) -> str:
    """HMAC of a normalised value, namespaced by kind (``resident_id``, ``mobile``, ``uscc``)."""
    first, *wraps = _lookup_keys()
    digest = hmac.new(first, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()
    for key in wraps:
        digest = rewrap(digest, key)
    return digest


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """``110101199003071233`` → ``110***********1233``. Short values are fully masked."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
