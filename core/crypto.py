"""Field encryption and keyed hashes for personal data (Art 16).

Identity numbers and phone numbers are stored encrypted (Fernet, AES-128-CBC + HMAC, with key
rotation through MultiFernet) and alongside a keyed HMAC-SHA256 so the blocklist and duplicate
checks can match an identity without decrypting anything. Both keys are derived (HKDF) from
``QINGLANG_FIELD_KEY``; the database alone reveals nothing.
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
def _hash_key() -> bytes:
    # The lookup hash must be stable across key rotation of the encryption key, so it is derived
    # from the *last* (oldest) key; rotate it only with a re-hash migration.
    return _derive(settings.FIELD_ENCRYPTION_KEYS[-1], b"lookup-hash")


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def keyed_hash(kind: str, normalised: str) -> str:
    """HMAC of a normalised value, namespaced by kind (``resident_id``, ``mobile``, ``uscc``)."""
    return hmac.new(_hash_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """``110101199003071233`` → ``110***********1233``. Short values are fully masked."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
