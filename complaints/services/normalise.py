"""What the public types in, made canonical: tracking codes (new ones and ones typed back), the
complained-about account (a uid or a profile link) and the complainant's contact (a mainland
mobile number or an e-mail address, with its masked form).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext as _

from accounts.models import Account
from core.errors import ServiceError

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    """``QL-XXXX-XXXX-XXXX``: ~59 random bits, so a code cannot be guessed from another."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"QL-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_tracking_code(value: str) -> str:
    raw = re.sub(r"[^A-Z0-9]", "", (value or "").upper())
    if raw.startswith("QL"):
        raw = raw[2:]
    if len(raw) != 12:
        return ""
    return f"QL-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


_UID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def resolve_target(text: str) -> tuple[Account | None, str]:
    """The account a complaint names (a uid or a profile link), and the key used for duplicates.

    Unknown uids are kept as text: the complaint is still received and a person looks at it.
    """
    text = (text or "").strip()
    candidates = [text]
    if "://" in text or text.startswith("www."):
        parsed = urlparse(text if "://" in text else f"https://{text}")
        query = parse_qs(parsed.query)
        for key in ("uid", "id", "user", "u"):
            candidates.extend(query.get(key, []))
        segments = [s for s in parsed.path.split("/") if s]
        if segments:
            candidates.append(segments[-1])
    candidates = [c for c in candidates if _UID_RE.match(c)]
    if candidates:
        account = Account.objects.filter(uid__in=candidates).only("id", "uid", "name").first()
        if account is not None:
            return account, account.uid
    key = text.lower().rstrip("/")
    return None, key[:200]


_MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")


def normalise_contact(value: str) -> tuple[str, str]:
    """(normalised contact, masked form) for a mainland mobile number or an e-mail address."""
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if not value:
        return "", ""
    if _MOBILE_RE.match(value):
        digits = value[-11:]
        return digits, f"{digits[:3]}****{digits[-4:]}"
    if _EMAIL_RE.match(value) and len(value) <= 254:
        local, _sep, domain = value.lower().partition("@")
        return f"{local}@{domain}", f"{local[:1]}***@{domain}"
    raise ServiceError(_("联系方式请填写中国大陆手机号码或电子邮箱"), field="contact")
