"""A simple challenge for the public form: a sum written in Chinese, no third-party captcha.

The token is signed with Django's signing and carries only a nonce and an HMAC of the answer,
so the answer cannot be read from the page; each nonce is accepted once (cache).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "complaints.challenge"
MAX_AGE = 30 * 60
_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """0–99 in Chinese numerals: 7 → 七, 12 → 十二, 20 → 二十, 35 → 三十五."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _mac(nonce: str, answer: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{_SALT}:{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()[:24]


def new() -> tuple[str, str]:
    """(question, token)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        question, answer = f"{to_chinese(a)}减{to_chinese(b)}等于几？", a - b
    else:
        question, answer = f"{to_chinese(a)}加{to_chinese(b)}等于几？", a + b
    nonce = secrets.token_urlsafe(12)
    return question, signing.dumps({"n": nonce, "m": _mac(nonce, answer)}, salt=_SALT, compress=False)


def verify(token: str, answer: str) -> bool:
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE)
        value = int(str(answer).strip())
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if not hmac.compare_digest(data.get("m", ""), _mac(data.get("n", ""), value)):
        return False
    return cache.add(f"complaints:challenge:{data['n']}", 1, timeout=MAX_AGE)  # once only
