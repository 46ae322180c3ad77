"""The verification pipeline's decision table (Art 9, 10, 21)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Account, AccountInfoVersion
from core.models import AuditEntry
from moderation import services
from moderation.choices import CaseReason, MeasureKind
from moderation.models import PauseSwitch, ReviewCase, Submission


def test_clean_registration_applies_at_once(submit):
    status, body = submit("r1", {"name": "爱吃的小猫", "bio": "记录日常"})
    assert status == 201, body
    assert body["decision"] == "allow" and body["status"] == "applied" and body["case_id"] is None
    account = Account.objects.get(uid="r1")
    assert account.name == "爱吃的小猫" and account.identities.count() == 1
    assert AuditEntry.objects.filter(event="submission.received").exists()


def test_violation_is_rejected_and_nothing_applied(submit):
    status, body = submit("r2", {"name": "人民日报"})
    assert status == 201
    assert body["decision"] == "reject" and body["status"] == "rejected"
    assert "8.4" in body["articles"] and body["reasons"]
    assert not Account.objects.filter(uid="r2").exists()


def test_strict_words_open_a_supervisor_case(submit):
    status, body = submit("r3", {"name": "中国美食地图"})
    assert body["decision"] == "strict_review" and body["status"] == "pending"
    case = ReviewCase.objects.get(pk=body["case_id"])
    assert case.reason == CaseReason.STRICT_REVIEW and case.requires_supervisor
    assert "10.2" in case.articles
    assert not Account.objects.filter(uid="r3").exists()


def test_change_under_review_keeps_old_info_live(submit, make_account):
    account = make_account(uid="c1", name="小明")
    status, body = submit("c1", {"name": "张医生"}, kind="change")
    assert body["decision"] == "review", body
    account.refresh_from_db()
    assert account.name == "小明"
    case = ReviewCase.objects.get(pk=body["case_id"])
    assert case.reason == CaseReason.CHANGE


def test_clean_change_applies_with_version(submit, make_account):
    account = make_account(uid="c2", name="小明")
    status, body = submit("c2", {"bio": "喜欢跑步"}, kind="change")
    assert body["decision"] == "allow"
    account.refresh_from_db()
    assert account.bio == "喜欢跑步" and account.info_version == 2
    assert AccountInfoVersion.objects.filter(account=account).count() == 2


def test_banned_identity_cannot_register_again(submit, make_account, supervisor, supervisor2):
    account = make_account(uid="bad1", name="某用户", resident_id="110101199003071233")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.BAN_REREGISTRATION,
                               legal_basis=["8.2"], reason="冒充国家机关")
    services.measure_approve(actor=supervisor2, measure=m)
    status, body = submit("bad2", {"name": "全新的名字"}, identity={"method": "resident_id", "number": "110101199003071233"})
    assert body["decision"] == "reject" and "10.3" in body["articles"]
    assert not Account.objects.filter(uid="bad2").exists()


def test_identity_of_closed_account_needs_strict_review(submit, make_account, supervisor, supervisor2):
    account = make_account(uid="cl1", name="某用户", mobile="13700137000")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.6"],
                               reason="多次夹带联系方式")
    services.measure_approve(actor=supervisor2, measure=m)
    status, body = submit("cl2", {"name": "别的名字"}, identity={"method": "mobile", "number": "13700137000"})
    assert body["decision"] == "strict_review" and "10.3" in body["articles"]


def test_name_close_to_closed_account_needs_strict_review(submit, make_account, supervisor, supervisor2):
    account = make_account(uid="cl3", name="阿强的杂货铺")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.7"],
                               reason="虚假宣传")
    services.measure_approve(actor=supervisor2, measure=m)
    status, body = submit("cl4", {"name": "阿強的 杂货铺"})  # traditional + inserted space
    assert body["decision"] == "strict_review", body
    assert any(f["rule"] == "related_closed_name" for f in body["findings"])


def test_pause_switch_answers_503_with_reason(submit, supervisor):
    services.pause_set(actor=supervisor, scope="registration", account_kind="all", reason="网信部门要求暂停注册",
                       ends_at=timezone.now() + dt.timedelta(hours=2))
    status, body = submit("p1", {"name": "小明"})
    assert status == 503 and "网信部门要求暂停注册" in body["detail"]
    assert not Submission.objects.exists()


def test_pause_by_kind_only_affects_that_kind(submit, supervisor, make_account):
    services.pause_set(actor=supervisor, scope="change", account_kind="organization", reason="机构信息变更暂停")
    make_account(uid="pi", name="小明")
    status, body = submit("pi", {"bio": "新简介"}, kind="change")
    assert status == 201 and body["decision"] == "allow"
    make_account(uid="po", name="远山文化", kind="organization")
    status, body = submit("po", {"bio": "新简介"}, kind="change")
    assert status == 503


def test_lifted_or_ended_pause_no_longer_applies(submit, supervisor):
    switch = services.pause_set(actor=supervisor, scope="registration", reason="临时暂停")
    assert submit("p2", {"name": "小明"})[0] == 503
    services.pause_lift(actor=supervisor, switch=switch)
    assert submit("p2", {"name": "小明"})[0] == 201
    # Lifted (or ended) pauses do not block switching the same scope on again.
    ended = services.pause_set(actor=supervisor, scope="registration", reason="短暂停",
                               ends_at=timezone.now() + dt.timedelta(minutes=5))
    PauseSwitch.objects.filter(pk=ended.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    services.pause_set(actor=supervisor, scope="registration", reason="再次暂停")


def test_moderator_cannot_pause(moderator):
    with pytest.raises(services.ModerationError):
        services.pause_set(actor=moderator, scope="registration", reason="试试")


def test_idempotent_resubmission_returns_same_answer(submit):
    first = submit("i1", {"name": "小明"}, key="same-key-001", identity={"method": "mobile", "number": "13600136000"})
    again = submit("i1", {"name": "小明"}, key="same-key-001", identity={"method": "mobile", "number": "13600136000"})
    assert first[0] == 201 and again[0] == 200
    assert again[1]["submission_id"] == first[1]["submission_id"] and again[1]["replayed"] is True
    assert Account.objects.filter(uid="i1").count() == 1
    conflict = submit("i1", {"name": "小红"}, key="same-key-001", identity={"method": "mobile", "number": "13600136000"})
    assert conflict[0] == 409 and conflict[1]["errors"][0]["field"] == "idempotency_key"


def test_approving_the_case_applies_and_notifies(submit, make_account, moderator):
    make_account(uid="a1", name="小明")
    _s, body = submit("a1", {"name": "王律师说法"}, kind="change")
    case = ReviewCase.objects.get(pk=body["case_id"])
    services.case_claim(actor=moderator, case=case)
    services.case_decide(actor=moderator, case=case, decision="approve")
    account = Account.objects.get(uid="a1")
    assert account.name == "王律师说法"
    assert Submission.objects.get(pk=body["submission_id"]).status == "approved"
    assert account.notices.filter(kind="submission_approved").exists()


def test_rejecting_the_case_keeps_old_info_and_notifies_with_article(submit, make_account, moderator):
    make_account(uid="a2", name="小明")
    _s, body = submit("a2", {"name": "王律师说法"}, kind="change")
    case = ReviewCase.objects.get(pk=body["case_id"])
    services.case_decide(actor=moderator, case=case, decision="reject", articles=["11"], reason="未提供律师执业证")
    account = Account.objects.get(uid="a2")
    assert account.name == "小明"
    notice = account.notices.get(kind="submission_rejected")
    assert "第十一条" in notice.body and "未提供律师执业证" in notice.body


def test_registration_case_approval_creates_the_account(submit, supervisor):
    _s, body = submit("reg9", {"name": "国家地理爱好者"}, identity={"method": "mobile", "number": "13500135000"})
    assert body["decision"] == "strict_review"
    case = ReviewCase.objects.get(pk=body["case_id"])
    services.case_decide(actor=supervisor, case=case, decision="approve")
    account = Account.objects.get(uid="reg9")
    assert account.identities.get().masked == "+86135****5000"
    case.refresh_from_db()
    assert case.account == account  # the case is now about the account it created


def test_approved_registration_case_page_shows_the_account_not_itself_as_related(submit, supervisor, login):
    _s, body = submit("reg10", {"name": "国家地理爱好者"}, identity={"method": "mobile", "number": "13500135001"})
    case = ReviewCase.objects.get(pk=body["case_id"])
    services.case_decide(actor=supervisor, case=case, decision="approve")
    html = login(supervisor).get(f"/moderation/cases/{case.pk}/").content.decode()
    assert "尚未注册" not in html
    assert '/accounts/reg10/' in html
    assert '<span class="badge">同一实名身份</span>' not in html


def test_later_submission_attaches_to_open_case_and_supersedes(submit, make_account):
    make_account(uid="s1", name="小明")
    _s, first = submit("s1", {"name": "张医生"}, kind="change")
    _s, second = submit("s1", {"name": "李医生"}, kind="change")
    assert first["case_id"] == second["case_id"]
    assert Submission.objects.get(pk=first["submission_id"]).status == "superseded"


def test_change_on_suspended_account_goes_to_review(submit, make_account, moderator):
    account = make_account(uid="su1", name="小明")
    services.measure_apply(actor=moderator, account=account, kind=MeasureKind.SUSPEND, legal_basis=["8.6"],
                           reason="夹带联系方式", expires_at=timezone.now() + dt.timedelta(days=7))
    _s, body = submit("su1", {"bio": "正常简介"}, kind="change")
    assert body["decision"] == "review" and "17" in body["articles"]


def test_correction_passing_verification_lifts_the_order(submit, make_account, moderator):
    account = make_account(uid="co1", name="加微信abc123")
    m = services.measure_apply(actor=moderator, account=account, kind=MeasureKind.CORRECTION_ORDER,
                               legal_basis=["8.6"], reason="名称含联系方式",
                               expires_at=timezone.now() + dt.timedelta(days=7))
    _s, body = submit("co1", {"name": "小明的日常"}, kind="change")
    assert body["decision"] == "allow"
    m.refresh_from_db()
    assert m.state == "lifted"


def test_registration_of_existing_uid_is_409(submit, make_account):
    make_account(uid="dup", name="小明")
    status, body = submit("dup", {"name": "小明"})
    assert status == 409 and body["errors"][0]["field"] == "uid"


def test_change_of_closed_account_refused(submit, make_account, supervisor, supervisor2):
    account = make_account(uid="x1", name="小明")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.2"], reason="冒充")
    services.measure_approve(actor=supervisor2, measure=m)
    status, body = submit("x1", {"bio": "hi"}, kind="change")
    assert status == 409


BAD = [
    ({"kind": "registration", "uid": "b1", "info": {"name": "x"}}, 422, "identity"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x"}, "identity": {"method": "mobile", "number": "123"}}, 422, "identity.number"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x"}, "identity": {"method": "passport", "number": "E1"}}, 422, "identity.method"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x"}, "identity": {"method": "resident_id", "number": "110101199003071234"}}, 422, "identity.number"),
    ({"kind": "registration", "uid": "b1", "info": {}, "identity": {"method": "mobile", "number": "13800138000"}}, 422, "info.name"),
    ({"kind": "rename", "uid": "b1", "info": {"name": "x"}}, 422, "kind"),
    ({"kind": "change", "uid": "nobody", "info": {"bio": "x"}}, 404, "uid"),
    ({"kind": "change", "uid": "b 1", "info": {"bio": "x"}}, 422, "uid"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x" * 101}, "identity": {"method": "mobile", "number": "13800138000"}}, 422, "info.name"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x", "nickname": "y"}, "identity": {"method": "mobile", "number": "13800138000"}}, 422, "info.nickname"),
    ({"kind": "registration", "uid": "b1", "info": {"name": "x"}, "identity": {"method": "mobile", "number": "13800138000"}, "avatar_b64": "!!"}, 422, "avatar_b64"),
    ({"kind": "registration", "uid": "b1", "info": {"name": 5}, "identity": {"method": "mobile", "number": "13800138000"}}, 422, "info.name"),
]


@pytest.mark.parametrize(("body", "status", "field"), BAD)
def test_bad_submissions(api, body, status, field):
    import json

    r = api.post("/api/v1/submissions", data=json.dumps({"idempotency_key": "bad-key-0001", **body}),
                 content_type="application/json")
    assert r.status_code == status, r.content.decode()
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert not Submission.objects.exists() and not Account.objects.filter(uid="b1").exists()


def test_images_of_a_submission_that_fails_to_commit_are_removed(settings, tmp_path, submit, make_account,
                                                                 monkeypatch):
    import base64

    from moderation.services import pipeline

    settings.MEDIA_ROOT = tmp_path
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

    def fail(**_kwargs):
        raise RuntimeError("the database went away")

    make_account(uid="img1", name="小红")
    monkeypatch.setattr(pipeline, "case_open", fail)
    with pytest.raises(RuntimeError):
        submit("img1", {"name": "张医生"}, kind="change", avatar_b64=base64.b64encode(png).decode(),
               cover_b64=base64.b64encode(png).decode())
    assert not Submission.objects.filter(uid="img1").exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []

    monkeypatch.undo()
    status, body = submit("img1", {"name": "张医生"}, kind="change", avatar_b64=base64.b64encode(png).decode())
    assert status == 201 and body["case_id"]
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_pauses_for_all_users_and_for_one_kind_do_not_overlap(supervisor):
    from moderation.services import ModerationError

    services.pause_set(actor=supervisor, scope="registration", account_kind="individual", reason="个人注册维护")
    services.pause_set(actor=supervisor, scope="change", account_kind="all", reason="变更维护")  # another scope
    with pytest.raises(ModerationError, match="请先解除它"):
        services.pause_set(actor=supervisor, scope="registration", account_kind="all", reason="全部注册维护")
    services.pause_set(actor=supervisor, scope="registration", account_kind="organization", reason="机构注册维护")
    with pytest.raises(ModerationError, match="请先解除它"):
        services.pause_set(actor=supervisor, scope="change", account_kind="organization", reason="机构变更维护")
