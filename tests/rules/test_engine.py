"""Rules engine behaviour (Art 7, 8, 10 ¶2, 11), table-driven; no database.

Each row: the account information, the context, the expected decision, and the (article,
evasion) pairs that must appear on some finding. The labelled corpus in ``cases/`` covers the
categories broadly; this table pins the engine's own decisions and edge cases.
"""

from __future__ import annotations

import json
import threading

import pytest

import rules
from rules import Context, Info

GOV = {"account_type": "organization", "verified_uscc": "11110000000000000X"}

# (info, context, decision, [(article, evasion-or-None)])
TABLE: list[tuple[dict, dict, str, list[tuple[str, str | None]]]] = [
    # clean: place names without an organ suffix, ordinary words
    ({"name": "北京吃货"}, {}, "allow", []),
    ({"name": "成都美食探店", "bio": "全国各地美食打卡中"}, {}, "allow", []),
    ({"name": "新生报到啦", "bio": "国庆快乐，新鲜水果"}, {}, "allow", []),
    ({"name": "宝刀未老"}, {}, "allow", []),
    ({"name": "威信县旅游", "bio": "有威信的老班长"}, {}, "allow", []),
    ({"name": "博采众长读书会", "bio": "周末约跑"}, {}, "allow", []),
    ({"bio": "微信读书爱好者，QQ音乐歌单分享"}, {}, "allow", []),
    ({"bio": "1998年生，身高175，营业时间 7:00-10:30"}, {}, "allow", []),
    ({"name": "Mr.Potato"}, {}, "allow", []),
    ({"bio": "感谢朝阳公安帮我找回钱包"}, {}, "allow", []),
    # 8.2 composed and named
    ({"name": "北京市公安局"}, {}, "reject", [("8.2", None)]),
    ({"name": "朝阳 公安"}, {}, "reject", [("8.2", "separator")]),
    ({"name": "北京市第一中级人民法院"}, {}, "reject", [("8.2", None)]),
    ({"name": "上海发布"}, {}, "reject", [("8.2", None)]),
    ({"name": "京东官方客服"}, {}, "reject", [("8.2", None)]),
    ({"bio": "我是京东官方客服"}, {}, "reject", [("8.2", None)]),
    ({"name": "国务院"}, {}, "reject", [("8.2", None)]),
    ({"name": "共青团"}, {}, "reject", [("8.2", None)]),
    # verified bodies may use their own names; 10.2 still applies
    ({"name": "北京市公安局"}, {**GOV, "verified_org_name": "北京市公安局"}, "allow", []),
    ({"name": "北京公安"}, {**GOV, "verified_org_name": "北京市公安局"}, "allow", []),
    (
        {"name": "中华人民共和国杭州海关"},
        {**GOV, "verified_org_name": "中华人民共和国杭州海关"},
        "strict_review",
        [("10.2", None)],
    ),
    (
        {"name": "北京市公安局"},
        {
            "account_type": "organization",
            "verified_org_name": "北京市公安局",
            "verified_uscc": "91110000000000000X",
        },
        "reject",
        [("8.2", None)],
    ),
    # 8.3
    ({"name": "美国驻华大使馆"}, {}, "reject", [("8.3", None)]),
    ({"name": "日本驻上海总领事馆"}, {}, "reject", [("8.3", None)]),
    ({"name": "联合国儿童基金会"}, {}, "reject", [("8.3", None)]),
    ({"bio": "去过日本和泰国，下一站冰岛"}, {}, "allow", []),
    # 8.4
    ({"name": "人民日报"}, {}, "reject", [("8.4", None)]),
    ({"name": "cctv综艺"}, {}, "reject", [("8.4", "case")]),
    ({"name": "ＣＣＴＶ体育"}, {}, "reject", [("8.4", "fullwidth")]),
    ({"name": "新蚊早知道"}, {}, "reject", [("8.4", "homophone")]),
    ({"name": "xin闻早知道"}, {}, "reject", [("8.4", "pinyin")]),
    ({"name": "renminribao"}, {}, "reject", [("8.4", "pinyin")]),
    ({"name": "西湖新闻"}, {"qualifications": ["news"]}, "allow", []),
    # 8.5
    ({"name": "天安门"}, {}, "reject", [("8.5", None)]),
    ({"name": "故宫官方"}, {}, "reject", [("8.5", None)]),
    ({"name": "成都官方"}, {}, "reject", [("8.5", None)]),
    # 8.6
    ({"bio": "合作 13812345678"}, {}, "reject", [("8.6", None)]),
    ({"bio": "壹叁捌壹贰叁肆伍陆柒捌"}, {}, "reject", [("8.6", "digit_variant")]),
    ({"name": "小美①③⑧①②③④⑤⑥⑦⑧"}, {}, "reject", [("8.6", "digit_variant")]),
    ({"bio": "加微信 abc12345"}, {}, "reject", [("8.6", None)]),
    ({"bio": "威信：abc_12345"}, {}, "reject", [("8.6", None)]),
    ({"bio": "wei信：nana_2020"}, {}, "reject", [("8.6", "pinyin")]),
    ({"name": "代购薇❤ xiaoyu520"}, {}, "reject", [("8.6", None)]),
    ({"bio": "官网 abc点com"}, {}, "reject", [("8.6", "separator")]),
    ({"bio": "luckyshop.c0m"}, {}, "reject", [("8.6", "letter_variant")]),
    ({"bio": "邮箱 abc#qq.com"}, {}, "reject", [("8.6", None)]),
    ({"bio": "扣扣 384729156"}, {}, "reject", [("8.6", None)]),
    ({"bio": "t.me/fastmoney88"}, {}, "reject", [("8.6", None)]),
    # 8.7, 8.1, 8.8
    ({"name": "全网第一美食"}, {}, "reject", [("8.7", None)]),
    ({"name": "官方认证美食达人"}, {}, "reject", [("8.7", None)]),
    ({"name": "官方认证美食达人", "certification": "美食领域创作者"}, {}, "allow", []),
    ({"bio": "专业代开发票"}, {}, "reject", [("8.8", None)]),
    ({"bio": "代开发漂"}, {}, "reject", [("8.8", "homophone")]),
    ({"name": "網上賭場代理"}, {}, "reject", [("8.1", "traditional")]),
    ({"name": "赌*场*代理"}, {}, "reject", [("8.1", "separator")]),
    ({"name": "兵毒批发"}, {}, "reject", [("8.8", "homophone")]),
    ({"name": "病毒防护小课堂"}, {}, "allow", []),
    # 10.2: names and certification only
    ({"name": "中國"}, {}, "strict_review", [("10.2", "traditional")]),
    ({"name": "中\u200b国风"}, {}, "strict_review", [("10.2", "zero_width")]),
    ({"name": "中囯人"}, {}, "strict_review", [("10.2", "lookalike")]),
    ({"name": "中中国国"}, {}, "strict_review", [("10.2", "repeat")]),
    ({"name": "🇨🇳小王"}, {}, "strict_review", [("10.2", None)]),
    ({"name": "小王", "certification": "国家级非遗传承人"}, {}, "strict_review", [("10.2", None)]),
    ({"name": "小王", "bio": "爱我中华"}, {}, "allow", []),
    # 7 and 11
    ({"name": "王医生"}, {}, "review", [("11", None)]),
    ({"name": "王医生"}, {"qualifications": ["medical"]}, "allow", []),
    ({"name": "赵六", "profession": "律师"}, {}, "review", [("11", None)]),
    (
        {"name": "极速汽车维修"},
        {
            "account_type": "organization",
            "verified_org_name": "杭州青禾餐饮管理有限公司",
            "verified_uscc": "91330106MA27WQ3H0A",
        },
        "review",
        [("7", None)],
    ),
    (
        {"name": "青禾餐饮"},
        {
            "account_type": "organization",
            "verified_org_name": "杭州青禾餐饮管理有限公司",
            "verified_uscc": "91330106MA27WQ3H0A",
        },
        "allow",
        [],
    ),
    ({"name": "张三贸易有限公司"}, {}, "review", [("7", None)]),
]


@pytest.fixture(scope="module")
def engine() -> rules.Engine:
    return rules.load()


@pytest.mark.parametrize(
    ("info", "ctx", "decision", "expected"), TABLE, ids=[json.dumps(r[0], ensure_ascii=False) for r in TABLE]
)
def test_table(engine: rules.Engine, info: dict, ctx: dict, decision: str, expected: list) -> None:
    verdict = engine.check(info, ctx)
    got = [(f.article, f.evasion) for f in verdict.findings]
    assert verdict.decision == decision, got
    for article, evasion in expected:
        assert any(a == article and (evasion is None or evasion in ev) for a, ev in got), (
            article,
            evasion,
            got,
        )
    for f in verdict.findings:
        text = info[f.field]
        assert text[f.span[0] : f.span[1]] == f.matched
        assert f.explanation


def test_dataclasses_and_dicts_agree(engine: rules.Engine) -> None:
    a = engine.check(Info(name="北京市公安局", bio="加微信 abc12345"), Context())
    b = engine.check({"name": "北京市公安局", "bio": "加微信 abc12345"}, {"account_type": "individual"})
    assert a == b
    assert json.loads(json.dumps(a.to_dict(), ensure_ascii=False)) == a.to_dict()
    assert a.to_dict()["ruleset"] == engine.version


def test_most_severe_finding_decides(engine: rules.Engine) -> None:
    v = engine.check({"name": "中国王医生", "bio": "13812345678"})
    assert {f.severity for f in v.findings} >= {"strict_review", "review", "reject"}
    assert v.decision == "reject"


def test_name_key_undoes_evasions(engine: rules.Engine) -> None:
    assert engine.name_key("北 京·吃貨") == engine.name_key("北京吃货")
    assert engine.name_key("ＡＢＣ\u200b小王王") == engine.name_key("abc小王")
    assert engine.name_key("中囯") == engine.name_key("中国")
    assert engine.name_key("") == ""


def test_version_is_stable_and_content_derived() -> None:
    a, b = rules.load(), rules.load()
    assert a.version == b.version and len(a.version) == 12
    extra = [{"term": "测试违规词", "category": "extra", "article": "8.8", "severity": "reject"}]
    c = rules.load(extra=extra)
    assert c.version != a.version
    assert rules.load(extra=extra).version == c.version


def test_extra_terms_deny_allow_and_problems() -> None:
    extra = [
        {
            "term": "违规小词",
            "category": "custom",
            "article": "8.8",
            "severity": "reject",
            "homophone": False,
        },
        {"term": "百家乐园", "category": "custom", "article": "8.1", "allow": True},
        {"term": "坏条目", "article": "9.9", "severity": "reject"},
        {"term": "", "article": "8.8"},
    ]
    engine = rules.load(extra=extra)
    assert engine.check({"name": "违规小词"}).decision == "reject"
    assert engine.check({"name": "百家乐"}).decision == "reject"
    assert engine.check({"name": "百家乐园"}).decision == "allow"
    assert any("extra[2]" in p for p in engine.problems)
    assert any("extra[3]" in p for p in engine.problems)


def test_check_is_thread_safe(engine: rules.Engine) -> None:
    inputs = [{"name": f"北京市公安局{i}", "bio": f"加微信 abc{i:05d}"} for i in range(50)] + [
        {"name": "小鱼"}
    ] * 50
    expected = [engine.check(x).to_dict() for x in inputs]
    results: list[list[dict]] = []

    def run() -> None:
        results.append([engine.check(x).to_dict() for x in inputs])

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_qr_in_avatar_is_8_6(engine: rules.Engine, qr_png) -> None:
    v = engine.check({"name": "小鱼", "avatar": qr_png("https://u.wechat.com/abc")})
    assert v.decision == "reject"
    (f,) = v.findings
    assert (f.article, f.field, f.span, f.matched) == ("8.6", "avatar", (0, 0), "https://u.wechat.com/abc")


def test_bad_image_bytes_do_not_raise_and_are_never_allowed(engine: rules.Engine) -> None:
    v = engine.check({"name": "小鱼", "cover": b"not an image"})
    assert v.decision == "review"
    assert [(f.article, f.rule, f.field) for f in v.findings] == [("8.6", "image.unchecked", "cover")]


def test_lexicon_dir_and_lint_of_shipped_lexicons() -> None:
    assert rules.lint() == []
    assert rules.load().problems == []


@pytest.mark.parametrize(
    "info",
    [
        {"name": "王律师"},
        {"name": "王律师", "bio": "王律师", "profession": "律师"},
        {"name": "律师律师王律师"},
        {"name": "北京市公安局北京市公安局", "bio": "加微信 abc12345 加微信 abc12345"},
    ],
)
def test_no_identical_findings(info: dict) -> None:
    """The same (article, rule, field, span) is reported once, also when a supervisor term repeats
    a lexicon entry."""
    extra = [
        {"term": "律师", "article": "11", "category": "judicial"},
        {"term": "律师", "article": "11", "category": "judicial", "severity": "reject"},
        {"term": "公安局", "article": "8.2", "category": "organ"},
    ]
    for engine in (rules.load(), rules.load(extra=extra)):
        v = engine.check(info)
        keys = [(f.article, f.rule, f.field, f.span) for f in v.findings]
        assert len(keys) == len(set(keys)), keys


def test_latin_lookalikes_by_unicode_name() -> None:
    from rules.normalise import latin_base

    assert [latin_base(c) for c in "ᴄ🅒🅲ĆǫᵛA中"] == ["c", "c", "c", "c", "o", "v", "", ""]


@pytest.mark.parametrize(
    ("bio", "decision"),
    [
        ("三十天瘦二十斤不反弹", "reject"),
        ("宝妈在家日入800+", "reject"),
        ("减肥第30天，掉了2斤", "allow"),
        ("月薪三千的快乐打工人", "allow"),
        ("私我 q 1234567890", "reject"),
        ("Q1季度目标 12345", "allow"),
        ("one three eight one two three four five six seven eight", "reject"),
        ("one day one step", "allow"),
        ("l38l2345678", "reject"),
        ("tg: @lin_shop", "reject"),
        ("坐飞机去三亚", "allow"),
    ],
)
def test_numeric_claims_and_disguised_contacts(engine: rules.Engine, bio: str, decision: str) -> None:
    assert engine.check({"name": "小林", "bio": bio}).decision == decision
