"""What a lexicon change would do to existing accounts (Art 15): before a supervisor publishes a
term, every live account's current information is checked with the rule set that includes it,
and the accounts it would newly flag are counted and sampled; publishing can then recheck
exactly those accounts. Reads only (the term is compiled into a private engine)."""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from accounts.models import TEXT_INFO_FIELDS, Account
from core import rules_engine
from moderation.services.rule_terms import active_terms
from rechecks import scopes
from rechecks.services.checks import FLAG_SEVERITIES

FIELDS = ("id", "uid", "kind", "name", *[f for f in TEXT_INFO_FIELDS if f != "name"])


@dataclass
class Impact:
    checked: int = 0
    account_ids: list[int] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.account_ids)


def _flags(verdict) -> bool:
    return any(f.severity in FLAG_SEVERITIES for f in verdict.findings)


def impact_preview(*, term: dict, sample_size: int = 20, batch: int = 2000) -> Impact:
    """Accounts the rule set with ``term`` flags and the current one does not. Accounts are read
    in primary-key batches (keyset), text only (stored images do not change with a term)."""
    proposed = rules.load(extra=[*active_terms(), {**term, "allow": False, "note": "impact preview"}])
    current = rules_engine.get_engine()
    impact = Impact(problems=list(proposed.problems))
    last = 0
    while True:
        rows = list(Account.objects.filter(scopes.LIVE, pk__gt=last).order_by("id").values(*FIELDS)[:batch])
        if not rows:
            return impact
        last = rows[-1]["id"]
        for row in rows:
            impact.checked += 1
            info = {f: row[f] for f in TEXT_INFO_FIELDS}
            context = {"account_type": row["kind"], "verified_uscc": row["org_uscc"]}
            verdict = proposed.check(info, context)
            if not _flags(verdict) or _flags(current.check(info, context)):
                continue
            impact.account_ids.append(row["id"])
            if len(impact.sample) < sample_size:
                hits = [f for f in verdict.findings if f.severity in FLAG_SEVERITIES]
                impact.sample.append({"id": row["id"], "uid": row["uid"], "name": row["name"],
                                      "findings": [f"{f.article} {f.field}：{f.matched}" for f in hits][:3]})
