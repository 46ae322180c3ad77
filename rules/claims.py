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


_SCOPE = r"(?:全国|全球|全网|全省|全市|全城|全行业|行业|世界|亚洲|国内|中国|宇宙|业内|同行)"
_RANK = r"(?:第一|第1|最大|最好|最强|最佳|最优|顶级|领先|独一家|唯一|冠军|首选|no\.?\s?1|top\s?1)"
#: Superlatives of rank and reach (any scope word with a top-rank word, in either order), absolute
#: medical claims and guaranteed outcomes (全国第一, 销量第一全网, 专治一切, 什么癌症都能治, 保证考上,
#: 必瘦). 世界上最好的猫 is an everyday superlative: a scope after 上 does not count.
EXAGGERATION_RE = re.compile(
    _SCOPE + r"(?!上)[^，。；！？,.;!?\n]{0,4}" + _RANK
    + r"|" + _RANK + r"[^，。；！？,.;!?\n]{0,3}" + _SCOPE
    + r"|(?:专治|包治|能治|根治|治愈)[^，。；！？,.;!?\n]{0,2}(?:一切|各种|所有|百病|各类)"
    + r"|(?:什么|所有|各种|一切)[^，。；！？,.;!?\n]{1,5}都能治"
    + r"|保证(?:考上|治好|治愈|通过|录取|有效|赚钱|瘦)|必瘦|包过|包治|永不复发|不复发|一贴根治|百分百治愈|稳赚",
    re.IGNORECASE,
)
_EXAGGERATION_ANCHORS = ("第一", "第1", "最", "顶级", "领先", "独一", "唯一", "冠军", "首选", "治", "保证", "必瘦", "包过",
                         "复发", "稳赚", "o.1", "o1", "op1", "op 1", "o. 1", "O.1", "O1")


_EXAGGERATION_ANCHOR_RE = re.compile("|".join(re.escape(a) for a in _EXAGGERATION_ANCHORS), re.IGNORECASE)
_CLAIM_ANCHOR_RE = re.compile("|".join(re.escape(a) for a in _ANCHORS))
#: Any character or word any scan of this module (or the news-service scan) starts from: one C-speed
#: search tells the engine a text needs none of them.
ANY_ANCHOR_RE = re.compile(
    "[" + "".join(sorted({a[0] for a in (*_ANCHORS, *_EXAGGERATION_ANCHORS) if not a[0].isascii()})) + "萬賺進減新时报]"
    r"|[nNtT][oO]"
)


def scan_exaggeration(text: str) -> list[tuple[int, int]]:
    """Spans of superlatives of rank and reach, absolute medical claims and guaranteed outcomes."""
    if _EXAGGERATION_ANCHOR_RE.search(text) is None:
        return []
    return [m.span() for m in EXAGGERATION_RE.finditer(text)]


def scan(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every numeric exaggeration in `text`; kind is ``slim`` or ``income``."""
    text = text.translate(_TRADITIONAL)  # 萬 → 万, 賺 → 赚 …: one character for one, offsets kept
    if _CLAIM_ANCHOR_RE.search(text) is None:
        return []  # 萬 → 万, 賺 → 赚 …: one character for one, offsets kept
    return [(m.start(), m.end(), m.lastgroup or "") for m in CLAIM_RE.finditer(text)]
