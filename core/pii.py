"""Masking personal numbers that staff typed into free text (notes, internal remarks).

Identity numbers and phones are masked wherever Qinglang stores them itself; a moderator's note
is free text and may quote one ("本人致电 13800138000 核实"). Shown on screen, such numbers are
masked the same way: resident ID numbers (18 characters, last may be X), mainland mobile
numbers (optionally +86) and IPv4 addresses. The stored text is left as written, for the record.
"""

from __future__ import annotations

import re

from core.crypto import mask

# Digits not glued to other digits, so order numbers and timestamps are left alone.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")


def _mask_ip(match: re.Match) -> str:
    a, b, _c, _d = match.group(0).split(".")
    return f"{a}.{b}.*.*"


def mask_text(text: str) -> str:
    if not text:
        return text
    text = _RESIDENT_ID.sub(lambda m: mask(m.group(0), keep_start=3, keep_end=4), text)
    text = _MOBILE.sub(lambda m: mask(m.group(0), keep_start=len(m.group(0)) - 8, keep_end=4), text)
    return _IPV4.sub(_mask_ip, text)
