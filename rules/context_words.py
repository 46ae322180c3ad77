"""Words around a match that make it something other than a claim about the account (issue 17,
false alarms): the claim denied in the same clause (非官方, 不是律师, 不提供法律咨询, 不荐股), and a
profession named as a relationship or a topic (医生的女儿, 我妈是护士, 带奶奶看医生, 律师朋友,
财经书籍, 护士姐姐的粉丝). Read on the original text, within the clause of the match.
"""

from __future__ import annotations

import re

_CLAUSE_END = "，。；！？,.;!?：:|｜\n"
_NEGATED_RE = re.compile(
    r"(?:不是|并非|并不是|非|不提供|不做|不荐|不带|不代表|不当|无任何|无|没有|拒绝|与)[^" + _CLAUSE_END + r"]{0,4}$|不$"
)
_RELATED_BEFORE_RE = re.compile(
    r"(?:妈|爸|母亲|父亲|老公|老婆|妻子|丈夫|哥|姐|弟|妹|儿子|女儿|朋友|家人|亲戚)(?:是|当)[^"
    + _CLAUSE_END
    + r"]{0,2}$|(?:看|找|问|陪|去见|喜欢)[^"
    + _CLAUSE_END
    + r"]{0,1}$"
)
_RELATED_AFTER_RE = re.compile(
    r"(?:的(?:女儿|儿子|妻子|老公|老婆|丈夫|家属|客户|病人|患者|粉丝|朋友|学生)|家属|说(?:我|要|让|这|过)|朋友|老公|老婆|"
    r"姐姐|哥哥|妹妹|弟弟|阿姨|叔叔|迷|爱好者|书籍|书单|剧|读书)"
)
#: Articles whose matches a denial does not excuse (prohibited content, contacts: 不卖冰毒 still names it).
NOT_EXCUSED = frozenset({"8.1", "8.8", "8.6"})


def denied(text: str, start: int) -> bool:
    """The match at `start` follows a denial in its clause (非官方, 本人不是律师)."""
    return _NEGATED_RE.search(text, max(0, start - 10), start) is not None


def related(text: str, start: int, end: int) -> bool:
    """The profession at [start, end) names someone else or a topic (医生的女儿, 我妈是护士)."""
    return bool(
        _RELATED_BEFORE_RE.search(text, max(0, start - 8), start) or _RELATED_AFTER_RE.match(text, end)
    )
