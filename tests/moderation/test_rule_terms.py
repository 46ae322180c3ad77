"""Supervisor-managed terms reach a running engine without a restart; each change is audited."""

from core import rules_engine
from core.models import AuditEntry
from moderation import services


def test_added_term_changes_verdicts_and_version(supervisor, submit):
    engine_before = rules_engine.get_engine()
    assert engine_before.check({"name": "蓝莓果酱铺"}, {}).decision == "allow"
    term = services.rule_term_save(actor=supervisor, term="蓝莓果酱", category="custom", article="8.7",
                                   severity="reject", note="测试：冒用品牌")
    engine_after = rules_engine.get_engine()
    assert engine_after.version != engine_before.version
    verdict = engine_after.check({"name": "蓝莓果酱铺"}, {})
    assert verdict.decision == "reject"
    status, body = submit("t1", {"name": "蓝莓果酱铺"})
    assert body["decision"] == "reject" and body["ruleset"] == engine_after.version
    services.rule_term_set_active(actor=supervisor, instance=term, active=False)
    assert rules_engine.get_engine().check({"name": "蓝莓果酱铺"}, {}).decision == "allow"
    assert list(AuditEntry.objects.filter(event__startswith="rule_term.").values_list("event", flat=True)
                .order_by("id")) == ["rule_term.saved", "rule_term.disabled"]


def test_allow_list_entry_silences_a_term(supervisor):
    engine = rules_engine.get_engine()
    base = engine.check({"name": "新闻联播粉丝团"}, {}).decision
    assert base != "allow"
    services.rule_term_save(actor=supervisor, term="新闻联播粉丝团", category="media", article="8.4", severity="review",
                            allow=True, note="粉丝团名称，不冒充媒体")
    assert rules_engine.get_engine().check({"name": "新闻联播粉丝团"}, {}).decision == "allow"


def test_bad_terms_refused(supervisor):
    import pytest

    for kwargs, field in [({"term": "", "article": "8.7"}, "term"), ({"term": "x", "article": "99"}, "article")]:
        with pytest.raises(services.ModerationError) as err:
            services.rule_term_save(actor=supervisor, category="c", severity="review", **kwargs)
        assert err.value.field == field
