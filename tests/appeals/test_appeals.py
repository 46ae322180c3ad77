"""Appeals (申诉): deadlines, one open appeal per measure, reviewer independence, each outcome's
effect on the measure and the credit ledger, notices, the signed public link, the API."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.models import Account
from appeals.models import Appeal
from appeals.services.filing import AppealInput, appeal_file, appeal_link_token
from appeals.services.review import appeal_claim, appeal_claim_next, appeal_decide
from core import workdays
from core.apiauth import api_client_create
from core.errors import ServiceError
from core.models import AuditEntry
from moderation.choices import MeasureState, NoticeKind
from moderation.models import CreditEvent, Measure, Notice
from moderation.services.measures import measure_apply, measure_approve

pytestmark = pytest.mark.postgres


def _file(measure, **kw):
    return appeal_file(actor=None, data=AppealInput(uid=measure.account.uid, measure_id=measure.pk,
                                                    statement=kw.pop("statement", "我的简介是真实的，请复核。"), **kw))


def _score(account) -> int:
    return Account.objects.get(pk=account.pk).credit_score


# ------------------------------------------------------------------ deadlines

def test_filing_sets_the_answer_deadline_on_working_days(suspended):
    appeal = _file(suspended)
    assert appeal.answer_due_at == workdays.deadline(appeal.filed_at, 15).due_at
    notice = Notice.objects.get(measure=suspended, kind=NoticeKind.MEASURE_APPLIED)
    assert appeal.noticed_at == notice.created_at
    assert appeal.filing_due_at == workdays.deadline(notice.created_at, 15).due_at
    assert AuditEntry.objects.filter(event="appeal.filed").count() == 1


def test_filing_after_the_period_is_refused(suspended):
    Notice.objects.filter(measure=suspended).update(created_at=timezone.now() - dt.timedelta(days=40))
    with pytest.raises(ServiceError) as exc:
        _file(suspended)
    assert exc.value.code == "deadline_passed" and exc.value.status == 409
    assert not Appeal.objects.exists()


def test_the_filing_period_is_configurable(suspended, settings):
    Notice.objects.filter(measure=suspended).update(created_at=timezone.now() - dt.timedelta(days=10))
    settings.QINGLANG_APPEALS = {"filing_working_days": 2}
    with pytest.raises(ServiceError):
        _file(suspended)
    settings.QINGLANG_APPEALS = {"filing_working_days": 30, "answer_working_days": 5}
    appeal = _file(suspended)
    assert appeal.answer_due_at == workdays.deadline(appeal.filed_at, 5).due_at


# ------------------------------------------------------------------ duplicates

def test_a_second_open_appeal_on_a_measure_is_refused_clearly(suspended, supervisor):
    first = _file(suspended)
    with pytest.raises(ServiceError) as exc:
        _file(suspended)
    assert exc.value.code == "duplicate" and exc.value.status == 409 and first.tracking_code in exc.value.message
    appeal_decide(actor=supervisor, appeal=first, outcome="upheld", reason="经核实原决定正确", articles=["8.7"])
    assert _file(suspended).pk != first.pk  # once answered, a new appeal may be filed


def test_api_files_and_refuses_the_duplicate(api, suspended, png):
    body = {"uid": "holder1", "measure_id": suspended.pk, "statement": "简介属实，附截图。",
            "evidence_b64": [base64.b64encode(png).decode()]}
    r = api.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["tracking_code"].startswith("SS") and out["answer_due_at"] and out["filing_due_at"]
    assert Appeal.objects.get().evidence.count() == 1
    r = api.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "measure_id"
    assert api.get(f"/api/v1/appeals/{out['tracking_code']}").json()["status"] == "open"


def test_api_refuses_bad_evidence_and_missing_scope(api, suspended, client):
    body = {"uid": "holder1", "measure_id": suspended.pk, "statement": "简介属实，附截图。",
            "evidence_b64": [base64.b64encode(b"not an image").decode()]}
    r = api.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence_b64.0"
    body["evidence_b64"] = ["x"] * 4
    r = api.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    _c, token = api_client_create(actor=None, name="reader", scopes=["accounts:read"])
    r = client.post("/api/v1/appeals", data=json.dumps({**body, "evidence_b64": []}), content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    body = {"uid": "someone-else", "measure_id": suspended.pk, "statement": "这不是我的措施。"}
    r = api.post("/api/v1/appeals", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 404 and not Appeal.objects.exists()


# ------------------------------------------------------------------ independence

def test_the_issuer_cannot_review_nor_can_a_moderator(suspended, moderator, supervisor):
    appeal = _file(suspended)
    for actor in (moderator,):
        with pytest.raises(ServiceError) as exc:
            appeal_decide(actor=actor, appeal=appeal, outcome="lifted", reason="撤销", articles=["8.7"])
        assert exc.value.status == 403
    issued_by_supervisor = measure_apply(actor=supervisor, account=suspended.account, kind="warning",
                                         legal_basis=["8.7"], reason="警示")
    own = _file(issued_by_supervisor)
    with pytest.raises(ServiceError) as exc:
        appeal_decide(actor=supervisor, appeal=own, outcome="lifted", reason="撤销", articles=["8.7"])
    assert exc.value.code == "not_independent"
    with pytest.raises(ServiceError):
        appeal_claim(actor=supervisor, appeal=own)
    assert Measure.objects.get(pk=issued_by_supervisor.pk).state == MeasureState.ACTIVE


def test_the_approver_of_a_close_cannot_review(holder, moderator, supervisor, supervisor2, admin_user):
    from django.contrib.auth.models import Group

    moderator.groups.add(Group.objects.get(name="supervisor"))  # proposer must be staff with add_measure
    close = measure_apply(actor=moderator, account=holder, kind="close", legal_basis=["8.2"], reason="假冒机关")
    measure_approve(actor=supervisor, measure=close)
    appeal = _file(Measure.objects.get(pk=close.pk))
    with pytest.raises(ServiceError) as exc:
        appeal_decide(actor=supervisor, appeal=appeal, outcome="lifted", reason="撤销", articles=["8.2"])
    assert exc.value.code == "not_independent"
    assert appeal_claim_next(actor=supervisor) is None  # claim-next never hands it to them
    assert appeal_claim_next(actor=supervisor2).pk == appeal.pk
    appeal_decide(actor=supervisor2, appeal=appeal, outcome="lifted", reason="证据不足，撤销", articles=["8.2"])
    assert Account.objects.get(pk=holder.pk).status == "active"


def test_claimed_by_another_supervisor_is_refused(suspended, supervisor, supervisor2):
    appeal = _file(suspended)
    appeal_claim(actor=supervisor, appeal=appeal)
    with pytest.raises(ServiceError) as exc:
        appeal_decide(actor=supervisor2, appeal=appeal, outcome="upheld", reason="维持", articles=["8.7"])
    assert exc.value.code == "claimed"


# ------------------------------------------------------------------ outcomes

def test_upheld_changes_nothing_and_tells_the_holder(suspended, supervisor):
    before = _score(suspended.account)
    appeal = appeal_decide(actor=supervisor, appeal=_file(suspended), outcome="upheld", reason="原决定正确",
                           articles=["8.7"])
    assert appeal.status == "decided" and appeal.lift is None
    assert Measure.objects.get(pk=suspended.pk).state == MeasureState.ACTIVE
    assert _score(suspended.account) == before
    notice = Notice.objects.get(kind=NoticeKind.APPEAL_DECIDED)
    assert "维持" in notice.body and appeal.tracking_code in notice.body and "appeal_url" not in notice.payload


def test_lifted_adds_a_lift_record_and_restores_credit(suspended, supervisor):
    assert _score(suspended.account) == 80
    original = Measure.objects.filter(pk=suspended.pk).values("kind", "reason", "legal_basis", "issued_by_id").get()
    appeal = appeal_decide(actor=supervisor, appeal=_file(suspended), outcome="lifted", reason="简介属实",
                           articles=["8.7"])
    lift = appeal.lift
    assert lift.action == Measure.Action.LIFT and lift.lifts_id == suspended.pk
    measure = Measure.objects.get(pk=suspended.pk)
    assert measure.state == MeasureState.LIFTED
    # the original record is not rewritten: only its end state is added
    assert Measure.objects.filter(pk=suspended.pk).values("kind", "reason", "legal_basis", "issued_by_id").get() == original
    assert _score(suspended.account) == 100
    assert CreditEvent.objects.filter(account=suspended.account, delta=20).exists()
    assert Account.objects.get(pk=suspended.account.pk).status == "active"
    assert Notice.objects.filter(kind=NoticeKind.APPEAL_DECIDED).count() == 1


def test_changed_to_a_lighter_measure(suspended, supervisor):
    appeal = appeal_decide(actor=supervisor, appeal=_file(suspended), outcome="changed", reason="情节较轻",
                           articles=["8.7"], new_kind="warning")
    assert Measure.objects.get(pk=suspended.pk).state == MeasureState.LIFTED
    assert appeal.new_measure.kind == "warning" and appeal.new_measure.state == MeasureState.ACTIVE
    assert _score(suspended.account) == 98  # 100 - warning's 2
    assert Account.objects.get(pk=suspended.account.pk).status == "active"


def test_changed_to_a_heavier_or_equal_measure_is_refused(suspended, supervisor):
    appeal = _file(suspended)
    for kind in ("suspend", "close"):
        with pytest.raises(ServiceError) as exc:
            appeal_decide(actor=supervisor, appeal=appeal, outcome="changed", reason="改为较重措施", articles=["8.7"],
                          new_kind=kind)
        assert exc.value.field == "new_kind"
    assert Appeal.objects.get(pk=appeal.pk).status == "open"
    assert Measure.objects.get(pk=suspended.pk).state == MeasureState.ACTIVE


def test_decision_needs_reasons_and_articles(suspended, supervisor):
    appeal = _file(suspended)
    with pytest.raises(ServiceError) as exc:
        appeal_decide(actor=supervisor, appeal=appeal, outcome="upheld", reason="", articles=["8.7"])
    assert exc.value.field == "reason"
    with pytest.raises(ServiceError) as exc:
        appeal_decide(actor=supervisor, appeal=appeal, outcome="upheld", reason="维持原决定", articles=[])
    assert exc.value.field == "articles"


# ------------------------------------------------------------------ the signed link and the pages

def test_notice_carries_a_signed_expiring_link(suspended, login):
    notice = Notice.objects.get(measure=suspended, kind=NoticeKind.MEASURE_APPLIED)
    url = notice.payload["appeal_url"]
    assert url in notice.body and "/appeals/public/" in url
    anonymous = login(None)
    assert anonymous.get(url).status_code == 200
    r = anonymous.post(url, {"statement": "简介所写均属实，请撤销。"})
    assert r.status_code == 201 and Appeal.objects.get().source == "public"
    assert "已有正在处理的申诉" in anonymous.get(url).content.decode()
    assert anonymous.get(url[:-3] + "abc/").status_code == 404  # altered token


def test_an_expired_link_is_refused(suspended, login):
    notice = Notice.objects.get(measure=suspended, kind=NoticeKind.MEASURE_APPLIED)
    notice.created_at = timezone.now() - dt.timedelta(days=60)
    token, _due = appeal_link_token(notice)
    r = login(None).get(f"/appeals/public/{token}/")
    assert r.status_code == 410


def test_case_page_shows_the_outcome_to_the_original_decider(holder, moderator, supervisor, login):
    from moderation.services.cases import case_open

    case = case_open(actor=None, reason="complaint", source="test", account=holder)
    measure = measure_apply(actor=moderator, account=holder, kind="warning", legal_basis=["8.7"], reason="警示",
                            case=case)
    appeal_decide(actor=supervisor, appeal=_file(measure), outcome="lifted", reason="简介属实，撤销警示",
                  articles=["8.7"])
    page = login(moderator).get(f"/moderation/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-appeals"' in page and "简介属实，撤销警示" in page


def test_pages_and_figures(suspended, supervisor, auditor, moderator, login, django_assert_max_num_queries):
    appeal = _file(suspended)
    c = login(supervisor)
    with django_assert_max_num_queries(12):
        assert c.get("/appeals/").status_code == 200
    r = c.post("/appeals/claim-next/")
    assert r.status_code == 302 and r["Location"] == f"/appeals/{appeal.pk}/"
    r = c.post(f"/appeals/{appeal.pk}/", {"outcome": "changed", "articles": ["8.7"], "reason": "较轻",
                                          "new_kind": "close"})
    assert r.status_code == 422 and "须比原措施轻" in r.content.decode()
    r = c.post(f"/appeals/{appeal.pk}/", {"outcome": "lifted", "articles": ["8.7"], "reason": "简介属实"})
    assert r.status_code == 302
    assert login(moderator).get("/appeals/figures/").status_code == 403
    page = login(auditor).get("/appeals/figures/")
    assert page.status_code == 200
    from appeals.selectors import appeal_figures

    f = appeal_figures()
    assert f["by_outcome"]["lifted"] == 1 and f["overturn_rate"] == 1.0 and f["on_time_rate"] == 1.0
    assert f["by_kind"] == [{"key": "suspend", "label": "暂停使用", "decided": 1, "overturned": 1, "rate": 1.0}]
    assert f["by_decider"][0]["key"] == "moderator"


def test_a_refused_registration_lifted_on_appeal_is_applied(api, supervisor):
    from moderation.models import Submission

    body = {"idempotency_key": "appeal-reg-0001", "kind": "registration", "uid": "fresh1",
            "info": {"name": "新华社快讯"}, "identity": {"method": "mobile", "number": "13800138222"}}
    r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
    assert r.json()["decision"] == "reject", r.content
    submission = Submission.objects.get(uid="fresh1")
    notice = Notice.objects.filter(submission=submission).first()
    assert notice is None or "appeal_url" in notice.payload
    r = api.post("/api/v1/appeals", data=json.dumps({"uid": "fresh1", "submission_id": submission.pk,
                                                     "statement": "我们是新华社授权的账号，附授权书。"}),
                 content_type="application/json")
    assert r.status_code == 201, r.content
    appeal = Appeal.objects.get()
    with pytest.raises(ServiceError):
        appeal_decide(actor=supervisor, appeal=appeal, outcome="changed", reason="变更", articles=["8.4"],
                      new_kind="warning")
    appeal_decide(actor=supervisor, appeal=appeal, outcome="lifted", reason="授权书属实", articles=["8.4"])
    assert Account.objects.get(uid="fresh1").name == "新华社快讯"
    assert Submission.objects.get(pk=submission.pk).status == "approved"
