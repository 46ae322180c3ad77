"""Art 8 items 2–5 — when a name of an organ, a state, a news medium or a place counts as
impersonation (假冒、仿冒): the articles concerned, the categories that only an organ or a people's
organisation may use for itself, and the claim words that make such a name count in bio,
signature and profession (in name and certification it always counts).
"""

from __future__ import annotations

_IMPERSONATION = frozenset({"8.2", "8.3", "8.4", "8.5"})
#: Categories that only a party/state organ or a people's organisation may use for itself: USCC
#: registration-authority code 1 (机构编制) or 5 (民政).
_ORGAN_CATEGORIES = frozenset({"organ", "organ_suffix", "social_org"})
#: In bio, signature and profession an impersonation counts when it is claimed: at the start of
#: the text, or next to one of these words (我是京东官方客服, 人民日报特约记者, 中南海工作人员).
_CLAIM_AFTER = (
    "官方",
    "客服",
    "记者",
    "特约",
    "工作人员",
    "内部",
    "员工",
    "主任",
    "领导",
    "干部",
    "民警",
    "警官",
    "编辑",
    "主播",
    "官员",
    "发言人",
    "签证",
    "代表",
    "授权",
    "认证",
    "账号",
    "官微",
    "指定",
    "直属",
    "专员",
)
_CLAIM_BEFORE = ("我是", "本号", "本账号", "系", "隶属", "来自", "就职于", "供职于", "任职于", "作为", "代表")


def _claimed(key: str, s: int, e: int) -> bool:
    if s == 0:
        return True
    after = key[e : e + 6]
    before = key[max(0, s - 5) : s]
    return any(m in after for m in _CLAIM_AFTER) or any(before.endswith(m) for m in _CLAIM_BEFORE)
