"""Art 8 item 7 — numeric promises no word list can hold (名不副实、夸大其词): slimming by a number of
jin in a number of days (7天瘦10斤, 一个月减掉二十斤) and income bait (日入500+, 月入三万, 年赚百万).

One regular expression over the original text (so spans need no mapping), run only when one of its
anchor characters is present. Ordinary numbers (身高175, 月薪三千的打工人) do not match: a daily income
of any amount is bait, a monthly one from 万, a yearly one from 十万; a diary (减肥第30天 掉了2斤) is
not a promise.
"""

from __future__ import annotations

import re

_NUM = r"[0-9０-９一二三四五六七八九十两百千半几]+"
CLAIM_RE = re.compile(
    r"(?P<slim>(?<![第0-9０-９一二三四五六七八九十两百千半几])"
    + _NUM
    + r"\s?(?:天|日|周|星期|个月|月)\s?(?:狂|能|就|轻松|暴)?(?:瘦|减|掉|甩)(?:了|掉|肉|重)?\s?"
    + _NUM
    + r"\s?(?:斤|公斤|kg|KG|Kg|磅))"
    r"|(?P<income>(?:日|天)(?:入|赚|收入|收益|进账)\s?(?:过)?" + _NUM + r"\s?(?:[百千万wWkK+＋]|元|块)"
    r"|(?:月|每月)(?:入|赚|收入|进账)\s?(?:过)?" + _NUM + r"\s?(?:万|[wW])"
    r"|(?:年|每年)(?:入|赚|收入|进账)\s?(?:过)?(?:"
    + _NUM
    + r"\s?)?(?:十万|百万|千万|亿|[0-9]+\s?万|[0-9]+\s?[wW]))"
)
_ANCHORS = ("瘦", "减", "掉", "甩", "入", "赚", "进账", "收益")


_TRADITIONAL = str.maketrans("萬賺進賬減掉瘦斤個週億", "万赚进账减掉瘦斤个周亿")


def scan(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every numeric exaggeration in `text`; kind is ``slim`` or ``income``."""
    if not any(a in text for a in _ANCHORS):
        return []
    text = text.translate(_TRADITIONAL)  # 萬 → 万, 賺 → 赚 …: one character for one, offsets kept
    return [(m.start(), m.end(), m.lastgroup or "") for m in CLAIM_RE.finditer(text)]
