"""Every shipped lexicon entry does what its file says (Art 8, 10 ¶2, 11), driven by the data files.

A deny term used as an account name yields a finding of its article; a suffix does so after a
prefix of its kind; a prefix alone (a division, a country, a brand) yields nothing of its own.
"""

from __future__ import annotations

import pytest

import rules
from rules.lexicon import LEXICON_DIR, load_dir

ENTRIES, PROBLEMS = load_dir(LEXICON_DIR)
PREFIX_SAMPLE = {
    "division": "北京市",
    "country": "美国",
    "brand": "京东",
    "landmark": "西湖",
    "trade": "出售",
    "goods": "银行卡",
}


@pytest.fixture(scope="module")
def engine() -> rules.Engine:
    return rules.load()


def test_lexicons_parse_cleanly() -> None:
    assert PROBLEMS == []
    assert len(ENTRIES) > 6000  # divisions alone are ~6,000 names


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "term"], ids=lambda e: e.source)
def test_term_in_name_is_found(engine: rules.Engine, entry) -> None:
    name = entry.term if entry.fields & 1 else "小王"
    info = {"name": name} if entry.fields & 1 else {"name": "小王", "bio": entry.term}
    if entry.uncertified:
        info["name"] = entry.term
    verdict = engine.check(info)
    assert any(f.article == entry.article for f in verdict.findings), (entry, verdict.findings)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "suffix"], ids=lambda e: e.source)
def test_suffix_after_prefix_is_found(engine: rules.Engine, entry) -> None:
    verdict = engine.check({"name": PREFIX_SAMPLE[entry.prefix] + entry.term})
    assert any(f.article == entry.article for f in verdict.findings), (entry, verdict.findings)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "qualification"], ids=lambda e: e.source)
def test_qualification_claim_needs_the_domain(engine: rules.Engine, entry) -> None:
    assert engine.check({"name": "小王", "profession": entry.term}).decision != "allow"
    verdict = engine.check({"name": "小王", "profession": entry.term}, {"qualifications": [entry.domain]})
    assert not [f for f in verdict.findings if f.article == "11" and f.term == entry.term]


def test_divisions_alone_are_not_findings(engine: rules.Engine) -> None:
    divisions = [e.term for e in ENTRIES if e.kind == "division" and e.category == "division"]
    assert len(divisions) > 5000
    flagged = [d for d in divisions[::7] if engine.check({"name": d + "美食"}).decision != "allow"]
    assert flagged == []


_TERMS = {e.term for e in ENTRIES if e.kind == "term"}


@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e.kind in ("trade", "goods") and e.term not in _TERMS],
    ids=lambda e: e.source,
)
def test_trade_and_goods_alone_are_not_findings(engine: rules.Engine, entry) -> None:
    """出售 alone (出售二手书) and 银行卡 alone (办理银行卡业务) are ordinary words; only together
    (出售银行卡, 银行卡回收) are they an illegal trade (Art 8 item 8)."""
    verdict = engine.check({"name": "小王", "bio": "本店" + entry.term + "说明"})
    assert not [f for f in verdict.findings if f.article == "8.8"], verdict.findings
