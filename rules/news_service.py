"""Art 8 item 4 — a news attribute offered as the account's service in free text (bio, signature,
profession): 每日新闻播报, 时事播报, 独家报道, 新闻快讯推送. The names and certification are matched by
the news-word lexicon; here a news word counts only together with a word of offering or frequency
in the same clause, and not after a word that makes it a topic or a relationship (看新闻, 新闻专业,
不做新闻报道, 新闻传播学).
"""

from __future__ import annotations

import re

_NEWS = r"新闻|时事|报道"
_SERVICE = (
    r"播报|联播|快讯|速递|推送|早报|晚报|资讯|发布|爆料|更新|解读|评论|报道|第一时间|24小时|每日|每天|每晚|"
    r"独家|实时|现场|深度|提供|专注|本号|最新|突发|热点|直播|早间|晚间"
)
_CLAUSE_RE = re.compile(r"[^，。；：！？!?;:,|｜\n]+")
_NEWS_RE = re.compile(_NEWS)
_SERVICE_RE = re.compile(_SERVICE)
#: A news word after one of these (in its clause) is a topic or a relationship, not a service.
_GUARD_BEFORE_RE = re.compile(r"(?:不|非|没|无|别|看|听|读|爱看|喜欢|学|前|曾|考|入学|新生|入职)[^新时报]{0,4}$")
#: …or before one of these.
_GUARD_AFTER_RE = re.compile(r"(?:专业|学|系|传播|工作者|人|记者证)")


def scan(text: str) -> list[tuple[int, int]]:
    """Spans of news words offered as a service in `text`."""
    if _NEWS_RE.search(text) is None:
        return []
    out: list[tuple[int, int]] = []
    for clause in _CLAUSE_RE.finditer(text):
        c = clause.group()
        base = clause.start()
        for m in _NEWS_RE.finditer(c):
            if _GUARD_BEFORE_RE.search(c, 0, m.start()) or _GUARD_AFTER_RE.match(c, m.end()):
                continue
            rest = c[: m.start()] + "\0" * (m.end() - m.start()) + c[m.end() :]
            if _SERVICE_RE.search(rest):
                out.append((base + m.start(), base + m.end()))
                break
    return out
