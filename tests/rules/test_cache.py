"""The on-disk engine cache (issue 17): a second load comes from the cache, and an edited lexicon,
other extra terms or damaged cache files give a freshly compiled, correct engine."""

from __future__ import annotations

import shutil
import unicodedata

import rules
from rules import cache, prepass
from rules.lexicon import LEXICON_DIR


def test_cache_round_trip_and_invalidation(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QINGLANG_RULES_CACHE", str(tmp_path / "cache"))
    lex = tmp_path / "lex"
    shutil.copytree(LEXICON_DIR, lex)
    first = rules.load(lex)
    files = list((tmp_path / "cache").glob("engine-*.pickle"))
    assert len(files) == 1
    second = rules.load(lex)
    assert second is not first and second.version == first.version
    assert second.check({"name": "北jing市公安局"}).decision == "reject"
    assert second.check({"name": "青禾小馆"}).decision == "allow"

    # an edited lexicon is a new key: the new term is found
    with (lex / "prohibited.txt").open("a", encoding="utf-8") as fh:
        fh.write("青禾小馆\n")
    third = rules.load(lex)
    assert third.version != first.version
    assert third.check({"name": "青禾小馆"}).decision != "allow"

    # extra terms are part of the key
    extra = rules.load(lex, extra=[{"term": "橘子汽水", "category": "custom", "article": "8.8"}])
    assert extra.check({"name": "橘子汽水"}).decision != "allow"
    assert rules.load(lex).check({"name": "橘子汽水"}).decision == "allow"

    # a damaged cache file is ignored
    for f in (tmp_path / "cache").glob("engine-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert rules.load(lex).check({"name": "北jing市公安局"}).decision == "reject"


def test_cache_off(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QINGLANG_RULES_CACHE", "off")
    assert cache.cache_dir() is None
    assert rules.load().check({"name": "人民日报"}).decision == "reject"


def test_every_format_character_is_dropped() -> None:
    """The pre-pass's list of format characters covers Unicode's category Cf."""
    missing = [
        hex(cp)
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) == "Cf" and not prepass.INVISIBLE_RE.fullmatch(chr(cp))
    ]
    assert not missing


def test_prepass_spans_point_at_the_original() -> None:
    engine = rules.load()
    text = "新\u200b·\u200b华·社"
    v = engine.check({"name": "小林", "bio": "加 微 信 a b c 1 2 3 4 5"})
    assert any(f.rule.startswith("contact") for f in v.findings)
    v = engine.check({"name": text})
    f = next(f for f in v.findings if f.article == "8.4")
    assert text[f.span[0] : f.span[1]] == f.matched and f.matched.startswith("新") and f.matched.endswith("社")
    assert "zero_width" in f.evasion and "separator" in f.evasion
