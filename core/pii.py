"""Masking personal numbers that staff typed into free text (notes, internal remarks).

Identity numbers and phones are masked wherever Qinglang stores them itself; a moderator's note
is free text and may quote one ("本人致电 13800138000 核实"). Shown on screen, such numbers are
masked the same way: resident ID numbers (18 characters, last may be X), mainland mobile
numbers (optionally +86) and IPv4 addresses. The stored text is left as written, for the record.
"""

from __future__ import annotations

import re

# Not glued to other digits, so longer numbers are left alone; written together or grouped with
# spaces or dashes (138 0013 8000, 110101 19900307 1234). Any 18-character number that looks
# like an ID is masked: erring towards masking is the safe side.
_SEP = r"[\s-]?"
_RESIDENT_ID = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\.?\d)")


def _mask_ip(match: re.Match) -> str:
    a, b, _c, _d = match.group(0).split(".")
    return f"{a}.{b}.*.*"


def _mask_digits(value: str, keep_start: int, keep_end: int) -> str:
    """Mask the digits of ``value`` except the first ``keep_start`` and last ``keep_end``; separators stay."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit() or ch in "Xx"]
    hidden = set(positions[keep_start:len(positions) - keep_end])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _mask_mobile(match: re.Match) -> str:
    value = match.group(0)
    digits = sum(ch.isdigit() for ch in value)
    return _mask_digits(value, keep_start=digits - 8, keep_end=4)  # +86 138****8000


def mask_text(text):
    if not text or not isinstance(text, str):
        return text
    text = _RESIDENT_ID.sub(lambda m: _mask_digits(m.group(0), keep_start=3, keep_end=4), text)
    text = _MOBILE.sub(_mask_mobile, text)
    return _IPV4.sub(_mask_ip, text)
