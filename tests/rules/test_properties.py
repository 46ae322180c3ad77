"""Property tests (hypothesis): `check` never raises on arbitrary Unicode, and every finding's span
maps to the original text (Art 8 findings must point at what the user actually wrote)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rules

ENGINE = rules.load()
SNIPPETS = [
    "中国",
    "中\u200b國",
    "北京市",
    "公安局",
    "微信",
    "vx",
    "138",
    "壹叁捌",
    "@",
    "点com",
    "新闻",
    "报到",
    "🇨🇳",
    "ＣＣＴＶ",
    "赌场",
]
text = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=3)), max_size=12).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=text, bio=text, signature=text, cert=text)
def test_check_never_raises_and_spans_map_back(name: str, bio: str, signature: str, cert: str) -> None:
    info = {"name": name, "bio": bio, "signature": signature, "certification": cert, "profession": bio[:8]}
    verdict = ENGINE.check(info, {"account_type": "organization", "verified_org_name": cert})
    assert verdict.decision in rules.DECISIONS
    for f in verdict.findings:
        original = info[f.field]
        start, end = f.span
        assert 0 <= start <= end <= len(original)
        assert original[start:end] == f.matched
        assert f.article in rules.ARTICLES


@settings(max_examples=300, deadline=None)
@given(s=text)
def test_fast_key_equals_offset_key(s: str) -> None:
    norm = ENGINE._norm
    key, starts, ends = norm.offsets(s)
    assert key == norm.key(s)
    assert len(starts) == len(ends) == len(key)
    assert all(0 <= a < b <= len(s) for a, b in zip(starts, ends, strict=True))


@settings(max_examples=300, deadline=None)
@given(s=text)
def test_contact_view_keeps_length(s: str) -> None:
    assert len(ENGINE._contact.view(s)) == len(s)


@pytest.mark.parametrize("bad", [None, 12, b"\xff", {"name": None}, {"name": 5, "bio": ["x"]}])
def test_odd_inputs(bad) -> None:
    assert ENGINE.check(bad if isinstance(bad, dict) else {"name": bad}).decision in rules.DECISIONS
