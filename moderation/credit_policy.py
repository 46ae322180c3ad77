"""The credit scoring policy in force (Art 18 信用管理): points per event, bands, consequences.

Plain reads, below the services: ``measures`` asks it for a measure's points, the pipeline for
the band's consequences, the pages for the words. A published ``CreditPolicy`` row (never
edited) overrides the defaults below; version 0 is the defaults themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from moderation import conf
from moderation.choices import MeasureKind, RestrictFunction

# Kinds of ledger events (CreditEvent.code) and their words.
EVENT_CODES = {
    "measure": _("处置措施扣分"),
    "reversal": _("措施撤销，恢复扣分"),
    "recovery": _("无违规期间恢复"),
    "recheck_confirmed": _("动态核验确认问题"),
    "qualification_verified": _("资质或认证通过核验"),
    "adjustment": _("人工调整"),
}

BANDS = ("good", "fair", "poor", "bad")
BAND_LABELS = {"good": _("良好"), "fair": _("一般"), "poor": _("较差"), "bad": _("差")}
CONSEQUENCES = {
    "review_allow": _("注册与变更的「通过」改为人工核验"),
    "propose_restrict": _("自动提出「限制账号功能」措施，由审核人员决定"),
    "priority_boost": _("核验工单优先处理"),
}


def default_rules() -> dict:
    return {
        "initial": 100,
        "max": 100,
        "penalties": {str(k): v for k, v in conf.get("credit_penalty").items()},
        "events": {"recheck_confirmed": -5, "qualification_verified": 3},
        "recovery": {"clean_days": 90, "points": 5},
        # lowest score of each band, best band first
        "bands": [["good", 90], ["fair", 70], ["poor", 50], ["bad", 0]],
        "consequences": {"good": [], "fair": [], "poor": ["review_allow"],
                         "bad": ["review_allow", "propose_restrict"]},
        "restrict_functions": [RestrictFunction.POST.value, RestrictFunction.COMMENT.value],
    }


class PolicyInvalid(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def validate_rules(rules: dict) -> dict:
    """Check a policy before it is published; returns it complete (defaults for missing keys)."""
    if not isinstance(rules, dict):
        raise PolicyInvalid("规则须为 JSON 对象", "rules")
    out = {**default_rules(), **rules}
    for kind, points in out["penalties"].items():
        if kind not in MeasureKind.values or not isinstance(points, int) or points < 0:
            raise PolicyInvalid(f"扣分项无效：{kind}", "rules")
    bands = out["bands"]
    if [b[0] for b in bands] != list(BANDS) or any(not isinstance(b[1], int) for b in bands):
        raise PolicyInvalid("等级须依次为 good、fair、poor、bad，各有整数下限", "rules")
    lows = [b[1] for b in bands]
    if lows != sorted(lows, reverse=True) or lows[-1] != 0:
        raise PolicyInvalid("等级下限须从高到低排列，最低一级从 0 起", "rules")
    for band, items in out["consequences"].items():
        if band not in BANDS or any(c not in CONSEQUENCES for c in items):
            raise PolicyInvalid(f"未知的等级或后果：{band}", "rules")
    if any(f not in RestrictFunction.values for f in out["restrict_functions"]):
        raise PolicyInvalid("未知的受限功能", "rules")
    recovery = out["recovery"]
    if not (isinstance(recovery.get("clean_days"), int) and recovery["clean_days"] > 0
            and isinstance(recovery.get("points"), int) and recovery["points"] >= 0):
        raise PolicyInvalid("恢复规则须有正整数的天数和非负的分数", "rules")
    return out


@dataclass(frozen=True)
class Policy:
    version: int
    rules: dict

    def penalty(self, kind: str) -> int:
        return int(self.rules["penalties"].get(str(kind), 0))

    def band(self, score: int) -> str:
        for name, low in self.rules["bands"]:
            if score >= low:
                return name
        return BANDS[-1]

    def consequences(self, score: int) -> list[str]:
        return list(self.rules["consequences"].get(self.band(score), []))


def current() -> Policy:
    """The policy in force: the newest published version, else the defaults (version 0)."""
    from moderation.models import CreditPolicy

    row = CreditPolicy.objects.order_by("-version").values("version", "rules").first()
    if row is None:
        return Policy(0, default_rules())
    return Policy(row["version"], {**default_rules(), **row["rules"]})


def band_label(band: str) -> str:
    return str(BAND_LABELS.get(band, band))
