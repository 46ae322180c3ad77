"""Credit that changes service (Art 18): the published policy, each band's consequence through the
real submission pipeline, recovery, the ledger/score consistency check and the credit API."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Account
from core.errors import ServiceError
from moderation import credit_policy
from moderation.models import CreditEvent, Measure, ReviewCase
from moderation.services.credit import credit_policy_publish, credit_recompute, credit_recover
from moderation.services.measures import credit_record, measure_apply, measure_lift

pytestmark = pytest.mark.postgres


def _drop(account, points: int):
    return credit_record(account, -points, "人工调整（测试）", None, code="adjustment")


def test_low_band_sends_an_allow_to_review_and_says_so(make_account, submit):
    account = make_account(uid="c1", name="好好学习")
    status, body = submit("c1", {"bio": "分享读书笔记"}, kind="change")
    assert body["decision"] == "allow" and body["credit_changed"] is False
    _drop(account, 35)  # 65: poor
    status, body = submit("c1", {"bio": "分享读书心得"}, kind="change")
    assert status == 201
    assert body["decision"] == "review" and body["credit_changed"] is True and body["case_id"]
    assert "18" in body["articles"] and any("信用等级" in r["explanation"] for r in body["reasons"])
    assert Account.objects.get(pk=account.pk).bio == "分享读书笔记"  # the old information stays live



def test_the_case_page_says_credit_changed_it(make_account, submit, moderator, login):
    account = make_account(uid="c10", name="好好学习")
    _drop(account, 35)
    _status, body = submit("c10", {"bio": "分享读书心得"}, kind="change")
    page = login(moderator).get(f"/moderation/cases/{body['case_id']}/").content.decode()
    assert "信用等级" in page and "第十八条" in page


def test_bad_band_proposes_a_restrict_for_a_person_to_decide(make_account):
    account = make_account(uid="c2")
    _drop(account, 40)  # 60: poor, nothing proposed
    assert not ReviewCase.objects.filter(reason="credit").exists()
    _drop(account, 15)  # 45: bad
    case = ReviewCase.objects.get(reason="credit", subject_uid="c2")
    assert case.findings[0]["proposed_measure"]["kind"] == "restrict" and case.articles == ["18"]
    assert not Measure.objects.filter(account=account).exists()  # proposed, not applied
    _drop(account, 5)  # still bad: no second proposal
    assert ReviewCase.objects.filter(reason="credit").count() == 1


def test_recovery_adds_points_for_a_clean_period_once(make_account, moderator):
    clean, dirty = make_account(uid="c3"), make_account(uid="c4")
    _drop(clean, 10)
    measure_apply(actor=moderator, account=dirty, kind="warning", legal_basis=["8.7"], reason="警示")
    CreditEvent.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    # a warning stays active: the account with it does not recover
    assert credit_recover() == {"recovered": 1}
    event = CreditEvent.objects.filter(account=clean, code="recovery").get()
    assert event.delta == 5 and Account.objects.get(pk=clean.pk).credit_score == 95
    assert credit_recover() == {"recovered": 0}  # the recovery starts the next period
    assert credit_recover(now=timezone.now() + dt.timedelta(days=91)) == {"recovered": 1}
    assert Account.objects.get(pk=clean.pk).credit_score == 100
    assert credit_recover(now=timezone.now() + dt.timedelta(days=300)) == {"recovered": 0}  # at the ceiling
    assert credit_recompute() == []


def test_ledger_check_finds_a_score_that_does_not_add_up(make_account, moderator, capsys):
    account = make_account(uid="c5")
    m = measure_apply(actor=moderator, account=account, kind="suspend", legal_basis=["8.7"], reason="暂停",
                      expires_at=timezone.now() + dt.timedelta(days=3))  # longer ones wait for a second supervisor
    measure_lift(actor=moderator, measure=m, reason="错误处置", reversal=True)
    _drop(account, 120)  # clamped at 0
    assert credit_recompute() == []
    call_command("credit_check")
    Account.objects.filter(pk=account.pk).update(credit_score=77)
    problems = credit_recompute()
    assert problems == [{"account_id": account.pk, "stored": 77, "recomputed": 0, "chain_ok": True}]
    with pytest.raises(CommandError):
        call_command("credit_check")


def test_publishing_a_policy_version(supervisor, moderator, make_account):
    rules = credit_policy.default_rules()
    rules["penalties"]["warning"] = 7
    with pytest.raises(ServiceError):
        credit_policy_publish(actor=moderator, rules=rules, summary="警示扣分提高")
    with pytest.raises(ServiceError) as exc:
        credit_policy_publish(actor=supervisor, rules={**rules, "bands": [["good", 10], ["bad", 0]]}, summary="错")
    assert exc.value.field in ("rules", "summary")
    policy = credit_policy_publish(actor=supervisor, rules=rules, summary="警示扣分提高到 7 分")
    assert policy.version == 1 and credit_policy.current().version == 1
    account = make_account(uid="c6")
    m = measure_apply(actor=moderator, account=account, kind="warning", legal_basis=["8.7"], reason="警示")
    event = CreditEvent.objects.get(measure=m)
    assert event.delta == -7 and event.policy_version == 1 and event.code == "measure"
    rules["penalties"]["warning"] = 1
    assert credit_policy_publish(actor=supervisor, rules=rules, summary="下调").version == 2
    measure_lift(actor=supervisor, measure=m, reason="错误处置", reversal=True)
    assert Account.objects.get(pk=account.pk).credit_score == 100  # gives back what was taken, not today's figure


def test_credit_api_and_pages(api, make_account, moderator, supervisor, login):
    account = make_account(uid="c7")
    for _ in range(3):
        measure_apply(actor=moderator, account=account, kind="warning", legal_basis=["8.7"], reason="警示")
    r = api.get("/api/v1/accounts/c7/credit?limit=2")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["score"] == 94 and body["band"] == "good" and len(body["ledger"]) == 2
    assert body["ledger"][0]["code"] == "measure" and "警示" in body["ledger"][0]["explanation"]
    older = api.get(f"/api/v1/accounts/c7/credit?limit=2&before_id={body['next_before_id']}").json()
    assert len(older["ledger"]) == 1 and older["next_before_id"] is None
    assert api.get("/api/v1/accounts/nope/credit").status_code == 404
    assert login(None).get("/moderation/public/credit-policy/").status_code == 200
    page = login(supervisor).get("/accounts/c7/").content.decode()
    assert 'data-testid="account-credit"' in page and "<polyline" in page
    assert login(supervisor).get("/moderation/credit/policy/").status_code == 200


def test_a_good_band_can_put_reviews_first(supervisor, make_account, submit):
    rules = credit_policy.default_rules()
    rules["consequences"]["good"] = ["priority_boost"]
    credit_policy_publish(actor=supervisor, rules=rules, summary="良好等级优先核验")
    make_account(uid="c8", name="好好学习")
    _status, body = submit("c8", {"name": "张医生说跑步", "bio": "三甲医院医生，分享跑步与健康"}, kind="change")
    assert body["decision"] in ("review", "strict_review")
    case = ReviewCase.objects.get(pk=body["case_id"])
    from moderation import conf

    assert case.priority == conf.get("priority")[case.reason] + 10


def test_a_verified_qualification_adds_points_up_to_the_ceiling(make_account, supervisor):
    from accounts.services import QualificationInput, qualification_submit
    from moderation.services.cases import case_claim, case_decide

    account = make_account(uid="c9")
    _drop(account, 10)
    q = qualification_submit(actor=None, account=account, data=QualificationInput(
        domain="medical", document_name="医师执业证书", document_number="110000000001", issuer="卫健委"))
    case = ReviewCase.objects.get(qualification=q)
    case_claim(actor=supervisor, case=case)
    case_decide(actor=supervisor, case=case, decision="approve", articles=["11"], reason="证书核验通过")
    event = CreditEvent.objects.get(account=account, code="qualification_verified")
    assert event.delta == 3 and Account.objects.get(pk=account.pk).credit_score == 93
    assert credit_recompute() == []
