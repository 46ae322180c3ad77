"""The moderation pages: queues, the case page, decisions, notes, bulk actions, measures, four-eyes
approvals, pause switches and rules management — driven through the forms, as a browser would."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account
from core.models import AuditEntry
from moderation import services
from moderation.choices import CaseStatus, MeasureKind, MeasureState
from moderation.context_processors import PAUSE_CACHE_KEY
from moderation.models import CaseNote, Measure, ReasonTemplate, ReviewCase, RuleTerm, Submission


@pytest.fixture(autouse=True)
def _fresh_banner():
    cache.delete(PAUSE_CACHE_KEY)
    yield
    cache.delete(PAUSE_CACHE_KEY)


@pytest.fixture
def change_case(submit, make_account):
    """A change of name to a medical title without a qualification (Art 11 → review)."""
    make_account(uid="c1", name="小明", bio="<b>爱跑步</b>")
    status, body = submit("c1", {"name": "张医生"}, kind="change")
    assert body["decision"] == "review", body
    return ReviewCase.objects.get(pk=body["case_id"])


@pytest.fixture
def strict_case(submit):
    status, body = submit("s1", {"name": "中国美食地图"})
    assert body["decision"] == "strict_review", body
    return ReviewCase.objects.get(pk=body["case_id"])


def _registration_case(submit, uid, name="王医生"):
    status, body = submit(uid, {"name": name})
    assert body["decision"] == "review", body
    return ReviewCase.objects.get(pk=body["case_id"])


def _field_error(html: str, field: str) -> str:
    m = re.search(rf'id="error-{field}"[^>]*>([^<]+)<', html)
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# Queue


def test_queue_lists_open_cases_oldest_due_first(login, moderator, change_case, strict_case, submit):
    later = _registration_case(submit, "r9")
    ReviewCase.objects.filter(pk=later.pk).update(due_at=timezone.now() + dt.timedelta(days=2))
    html = login(moderator).get("/moderation/cases/").content.decode()
    order = [int(x) for x in re.findall(r'data-case="(\d+)"', html)]
    assert set(order) == {change_case.pk, strict_case.pk, later.pk}
    assert order[-1] == later.pk
    assert "领取下一个" in html and "需主管" in html


@pytest.mark.parametrize("json_contains", [pytest.param(True, marks=pytest.mark.postgres), False])
def test_article_filter_with_and_without_json_containment(login, moderator, change_case, strict_case, monkeypatch,
                                                          json_contains):
    """SQLite (make run's embedded mode) has no JSON containment; the filter must not 500 there."""
    from django.db import connection

    monkeypatch.setattr(connection.features, "supports_json_field_contains", json_contains)
    ReviewCase.objects.filter(pk=change_case.pk).update(articles=["11", "8.6", "17"])
    c = login(moderator)

    def ids(query):
        r = c.get("/moderation/cases/" + query)
        assert r.status_code == 200
        return {int(x) for x in re.findall(r'data-case="(\d+)"', r.content.decode())}

    assert ids("?article=10.2") == {strict_case.pk}
    assert ids("?article=11") == {change_case.pk}
    assert ids("?article=8.6") == {change_case.pk}
    assert ids("?article=17") == {change_case.pk}
    assert ids("?article=7") == set()  # "17" and "8.7"-like codes must not match "7"


def test_queue_filters(login, moderator, supervisor, change_case, strict_case, submit):
    c = login(moderator)

    def ids(query):
        html = c.get("/moderation/cases/" + query).content.decode()
        return {int(x) for x in re.findall(r'data-case="(\d+)"', html)}

    assert ids("?reason=strict_review") == {strict_case.pk}
    assert ids("?article=10.2") == {strict_case.pk}
    assert ids("?article=11") == {change_case.pk}
    assert ids("?q=c1") == {change_case.pk}
    assert ids(f"?q=%23{strict_case.pk}") == {strict_case.pk}
    services.case_claim(actor=moderator, case=change_case)
    assert ids("?assignee=me") == {change_case.pk}
    assert ids("?assignee=unassigned") == {strict_case.pk}
    assert ids("?assignee=moderator") == {change_case.pk}
    ReviewCase.objects.filter(pk=strict_case.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5),
                                                        created_at=timezone.now() - dt.timedelta(days=5))
    assert ids("?due=overdue") == {strict_case.pk}
    assert ids("?due=today") | ids("?due=later") == {change_case.pk}
    assert ids("?age=old") == {strict_case.pk}
    assert ids("?age=1h") == {change_case.pk}
    assert ids("?priority_min=65") == {strict_case.pk}
    assert ids("?priority_max=65") == {change_case.pk}
    services.case_decide(actor=supervisor, case=strict_case, decision="approve")
    assert ids("") == {change_case.pk}  # the default queue shows undecided cases only
    assert ids("?status=decided") == {strict_case.pk}
    assert ids("?status=all") == {change_case.pk, strict_case.pk}
    assert login(moderator).get("/moderation/cases/mine/").status_code == 200
    assert ids("?status=claimed") == {change_case.pk}


def test_queue_htmx_returns_only_the_table(login, moderator, change_case):
    r = login(moderator).get("/moderation/cases/?reason=change", headers={"HX-Request": "true"})
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and f'data-case="{change_case.pk}"' in html


def test_claim_next_from_the_page(login, moderator, change_case, strict_case):
    c = login(moderator)
    r = c.post("/moderation/cases/claim-next/")
    assert r.status_code == 302 and r["Location"] == f"/moderation/cases/{change_case.pk}/"
    change_case.refresh_from_db()
    assert change_case.status == CaseStatus.CLAIMED and change_case.assignee == moderator
    # The strict-review case is never handed to a moderator: the queue is empty for them now.
    r = c.post("/moderation/cases/claim-next/", follow=True)
    assert "队列中没有可领取的工单" in r.content.decode()
    r = c.post("/moderation/cases/claim-next/", {"reason": "strict_review"}, follow=True)
    assert "从严核验工单只能由审核主管领取和决定" in r.content.decode()
    strict_case.refresh_from_db()
    assert strict_case.status == CaseStatus.OPEN
    assert c.get("/moderation/cases/claim-next/").status_code == 405


def test_claim_and_release_buttons(login, moderator, moderator2, change_case):
    c = login(moderator)
    c.post(f"/moderation/cases/{change_case.pk}/claim/")
    change_case.refresh_from_db()
    assert change_case.assignee == moderator
    r = login(moderator2).post(f"/moderation/cases/{change_case.pk}/release/", follow=True)
    assert "只能释放自己领取的工单" in r.content.decode()
    c.post(f"/moderation/cases/{change_case.pk}/release/")
    change_case.refresh_from_db()
    assert change_case.status == CaseStatus.OPEN and change_case.assignee is None
    assert AuditEntry.objects.filter(event="case.released", subject_id=str(change_case.pk)).count() == 1


def test_supervisor_reassigns(login, supervisor, moderator, change_case, strict_case):
    c = login(supervisor)
    r = c.post(f"/moderation/cases/{change_case.pk}/reassign/", {"assignee": moderator.pk})
    assert r.status_code == 302
    change_case.refresh_from_db()
    assert change_case.assignee == moderator
    r = c.post(f"/moderation/cases/{strict_case.pk}/reassign/", {"assignee": moderator.pk})
    assert r.status_code == 422 and "从严核验工单只能改派给审核主管" in _field_error(r.content.decode(), "assignee")


# ---------------------------------------------------------------------------------------------
# Case page


def test_case_page_shows_diff_highlight_history(login, moderator, change_case, supervisor, make_account):
    account = change_case.account
    services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                           reason="夸大其词")
    m = Measure.objects.get(account=account)
    services.measure_lift(actor=supervisor, measure=m, reason="已改正")
    from accounts import identity

    twin = make_account(uid="twin", name="另一个号", mobile="13900139000")
    from accounts import services as account_services

    account_services.identity_add(actor=None, account=account, identity=identity.validate_mobile("13900139000"))
    html = login(moderator).get(f"/moderation/cases/{change_case.pk}/").content.decode()
    # The finding is marked inside the proposed name, with its article and explanation.
    assert re.search(r'张<mark class="finding" data-finding="1"[^>]*>医生</mark>', html)
    assert "第十一条" in html
    # Current vs proposed as a character diff.
    assert "<del>小明</del>" in html or "<del>小</del>" in html
    assert "<ins>" in html
    # History: the measure and its lift, credit, related account (same identity), versions.
    assert "警示提醒" in html and "已改正" in html
    assert twin.uid in html and "同一实名身份" in html
    assert "13900139000" not in html
    assert "v1" in html
    # The case's record reads in words, the event code kept as a tooltip.
    assert '<span title="case.opened">开立工单</span>' in html
    assert "· 变更核验 ·" in html or "· 变更核验" in html  # the case's reason in words


def test_case_page_escapes_account_text(login, moderator, submit, make_account):
    make_account(uid="x1", name="正常名字")
    status, body = submit("x1", {"name": "李医生<script>alert(1)</script>"}, kind="change")
    html = login(moderator).get(f"/moderation/cases/{body['case_id']}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert '<mark class="finding"' in html


def test_highlight_merges_overlaps_and_escapes():
    from moderation.views.cases import highlight

    out = highlight("a<b>医生医生", [(1, {"span": [3, 5], "matched": "b>"}), (2, {"span": [4, 7], "matched": ">医生"}),
                                     (3, {"span": [0, 0], "matched": "不存在"})])
    assert out == 'a&lt;<mark class="finding" data-finding="1 2" title="发现 #1, #2">b&gt;医生</mark>医生'


def test_decide_reject_with_field_errors_then_success(login, moderator, change_case):
    c = login(moderator)
    c.post(f"/moderation/cases/{change_case.pk}/claim/")
    url = f"/moderation/cases/{change_case.pk}/decide/"
    r = c.post(url, {"decision": "reject", "reason": "冒充医生"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "articles") == "驳回须注明依据条款"
    r = c.post(url, {"decision": "measure", "reason": ""})  # everything missing is named at once
    html = r.content.decode()
    assert r.status_code == 422 and _field_error(html, "articles") == "驳回须注明依据条款"
    assert _field_error(html, "reason") == "驳回须填写理由" and _field_error(html, "measure_kind") == "请选择处置措施"
    r = c.post(url, {"decision": "reject", "articles": ["11"], "reason": ""})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason") == "驳回须填写理由"
    r = c.post(url, {"decision": "measure", "articles": ["11"], "reason": "冒充医生"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "measure_kind") == "请选择处置措施"
    r = c.post(url, {"decision": "measure", "articles": ["11"], "reason": "冒充医生", "measure_kind": "restrict"})
    assert r.status_code == 422 and "须选择被限制的功能" in _field_error(r.content.decode(), "measure_functions")
    r = c.post(url, {"decision": "approve_with_label", "label_domain": ""})
    assert r.status_code == 422 and _field_error(r.content.decode(), "label_domain")
    change_case.refresh_from_db()
    assert change_case.status == CaseStatus.CLAIMED
    assert not Measure.objects.exists()

    r = c.post(url, {"decision": "reject", "articles": ["11"], "reason": "未提供医师资格证明"})
    assert r.status_code == 302
    change_case.refresh_from_db()
    assert change_case.status == CaseStatus.DECIDED and change_case.decision == "reject"
    assert Submission.objects.get(case=change_case).status == "refused"
    Account.objects.get(uid="c1").name == "小明"  # noqa: B015 - old information stays live
    html = c.get(f"/moderation/cases/{change_case.pk}/").content.decode()
    assert 'data-testid="decided"' in html and "未提供医师资格证明" in html
    assert AuditEntry.objects.filter(event="case.decided", subject_id=str(change_case.pk)).count() == 1


def test_decide_with_reason_template_and_measure(login, moderator, change_case):
    tpl = ReasonTemplate.objects.create(article="11", title="无资质", text="账号名称涉及医疗卫生领域，未提供相应资质。")
    c = login(moderator)
    r = c.post(f"/moderation/cases/{change_case.pk}/decide/", {
        "decision": "measure", "template": tpl.pk, "measure_kind": "restrict", "measure_functions": ["post", "live"],
        "measure_expires_at": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    change_case.refresh_from_db()
    assert change_case.decision == "measure" and change_case.decision_articles == ["11"]
    assert change_case.decision_reason == tpl.text
    m = Measure.objects.get(account=change_case.account)
    assert m.kind == "restrict" and m.functions == ["post", "live"] and m.state == MeasureState.ACTIVE
    assert m.expires_at > timezone.now() + dt.timedelta(days=2)


def test_quick_approve_applies_the_change(login, moderator, change_case):
    r = login(moderator).post(f"/moderation/cases/{change_case.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 302
    assert Account.objects.get(uid="c1").name == "张医生"


def test_strict_case_only_a_supervisor_decides(login, moderator, supervisor, strict_case):
    html = login(moderator).get(f"/moderation/cases/{strict_case.pk}/").content.decode()
    assert "只有审核主管可以决定" in html and "<fieldset disabled>" in html
    r = login(moderator).post(f"/moderation/cases/{strict_case.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 422 and "从严核验工单只能由审核主管决定" in r.content.decode()
    strict_case.refresh_from_db()
    assert strict_case.is_open
    html = login(supervisor).get(f"/moderation/cases/{strict_case.pk}/").content.decode()
    assert "<fieldset disabled>" not in html
    assert login(supervisor).post(f"/moderation/cases/{strict_case.pk}/decide/", {"decision": "approve"}).status_code == 302
    assert Account.objects.filter(uid="s1").exists()


def test_notes_are_internal_and_in_the_history(login, moderator, change_case):
    c = login(moderator)
    r = c.post(f"/moderation/cases/{change_case.pk}/notes/", {"text": "  "})
    assert r.status_code == 422 and _field_error(r.content.decode(), "text")
    r = c.post(f"/moderation/cases/{change_case.pk}/notes/", {"text": "已电话核实，等待资质材料"})
    assert r.status_code == 302
    assert CaseNote.objects.get(case=change_case).author == moderator
    html = c.get(f"/moderation/cases/{change_case.pk}/").content.decode()
    assert "已电话核实，等待资质材料" in html and "case.opened" in html and "case.note_added" in html
    c.post(f"/moderation/cases/{change_case.pk}/notes/", {"text": "本人 13800138000，身份证 11010519491231002X"})
    html = c.get(f"/moderation/cases/{change_case.pk}/").content.decode()
    assert "本人 138****8000，身份证 110***********002X" in html
    assert "13800138000" not in html and "11010519491231002X" not in html
    c.post(f"/moderation/cases/{change_case.pk}/decide/", {"decision": "reject", "articles": ["11"], "reason": "无资质"})
    from moderation.models import Notice

    assert all("电话核实" not in n.body for n in Notice.objects.all())


def test_case_page_shows_notice_deliveries(login, moderator, change_case):
    from core.clients import api_client_create
    from core.models import WebhookAttempt
    from moderation.models import Notice

    api_client_create(actor=None, name="hooks", scopes=["notices:read"], webhook_url="http://127.0.0.1:9/hooks")
    services.case_decide(actor=moderator, case=change_case, decision="reject", articles=["11"], reason="无资质")
    notice = Notice.objects.get(case=change_case)
    delivery = notice.webhook_event.deliveries.get()
    WebhookAttempt.objects.create(delivery=delivery, number=1, outcome="failed", status_code=502,
                                  error_code="http_status", error="HTTP 502")
    WebhookAttempt.objects.create(delivery=delivery, number=2, outcome="succeeded", status_code=200)
    html = login(moderator).get(f"/moderation/cases/{change_case.pk}/").content.decode()
    assert notice.title in html and "HTTP 502" in html and "502" in html and "对方返回非 2xx 状态码" in html
    assert "hooks" in html


def test_case_panels_come_from_the_registry(login, moderator, change_case):
    """A higher app's panel (registered in core.registry) is rendered on the case page with the case."""
    from core.registry import register_case_panel, registry

    def panel(request, case):
        return {"template": "generic/partials/panel.html", "title": f"登记的面板 #{case.pk}",
                "rows": [("工单", case.subject_uid, "")]}

    register_case_panel(panel, key="tests.case_panel")
    try:
        html = login(moderator).get(f"/moderation/cases/{change_case.pk}/").content.decode()
        assert f"登记的面板 #{change_case.pk}" in html
    finally:
        del registry.case_panels["tests.case_panel"]


def test_case_image_is_served_to_staff_only(login, moderator, nobody, submit, make_account):
    import base64

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    make_account(uid="img1", name="小红")
    status, body = submit("img1", {"name": "刘医生"}, kind="change", avatar_b64=base64.b64encode(png).decode())
    assert body.get("case_id"), body
    url = f"/moderation/cases/{body['case_id']}/image/avatar/proposed/"
    html = login(moderator).get(f"/moderation/cases/{body['case_id']}/").content.decode()
    assert url in html
    r = login(moderator).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == png
    assert login(nobody).get(url).status_code == 403
    assert login(moderator).get(f"/moderation/cases/{body['case_id']}/image/avatar/current/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Bulk actions


def test_bulk_preview_then_confirm_one_audit_entry_each(login, moderator, moderator2, submit, strict_case):
    a = _registration_case(submit, "b1", "赵医生")
    b = _registration_case(submit, "b2", "钱医生")
    taken = _registration_case(submit, "b3", "孙医生")
    services.case_claim(actor=moderator2, case=taken)
    c = login(moderator)
    data = {"action": "reject", "case": [a.pk, b.pk, taken.pk, strict_case.pk], "articles": ["11"],
            "reason": "未提供医师资格证明"}
    r = c.post("/moderation/cases/bulk/", data)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="bulk-plan"' in html
    assert "从严核验工单只能由审核主管决定" in html and "由 moderator2 处理中" in html
    assert "确认执行（2 件）" in html
    assert not AuditEntry.objects.filter(event="case.decided").exists()  # the preview changes nothing

    r = c.post("/moderation/cases/bulk/", {**data, "confirm": "1"}, follow=True)
    assert "成功 2 件，跳过 2 件，失败 0 件" in r.content.decode()
    for case in (a, b):
        case.refresh_from_db()
        assert case.status == CaseStatus.DECIDED and case.decision == "reject"
        assert AuditEntry.objects.filter(event="case.decided", subject_id=str(case.pk)).count() == 1
    assert AuditEntry.objects.filter(event="case.decided").count() == 2
    taken.refresh_from_db()
    strict_case.refresh_from_db()
    assert taken.is_open and strict_case.is_open


def test_bulk_reject_needs_article_and_reason(login, moderator, change_case):
    c = login(moderator)
    r = c.post("/moderation/cases/bulk/", {"action": "reject", "case": [change_case.pk]})
    html = r.content.decode()
    # The selection is kept: the preview page asks for what is missing.
    assert r.status_code == 422 and 'data-testid="bulk-fix"' in html
    assert _field_error(html, "articles") == "驳回须注明依据条款" and _field_error(html, "reason") == "驳回须填写理由"
    assert f'<input type="hidden" name="case" value="{change_case.pk}">' in html
    change_case.refresh_from_db()
    assert change_case.is_open
    r = c.post("/moderation/cases/bulk/", {"action": "reject", "case": [change_case.pk], "articles": ["11"],
                                           "reason": "冒充医生"})
    assert r.status_code == 200 and "驳回：不予注册或变更" in r.content.decode()


def test_bulk_without_selection_names_the_field(login, moderator, change_case):
    r = login(moderator).post("/moderation/cases/bulk/", {"action": "approve"}, follow=True)
    assert "工单：请先勾选工单" in r.content.decode() and "None" not in r.content.decode()


def test_bulk_release_own_claims(login, moderator, submit):
    a = _registration_case(submit, "b4", "周医生")
    services.case_claim(actor=moderator, case=a)
    c = login(moderator)
    r = c.post("/moderation/cases/bulk/", {"action": "release", "case": [a.pk], "confirm": "1"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == CaseStatus.OPEN


# ---------------------------------------------------------------------------------------------
# Measures


def test_measures_panel_apply_and_lift(login, moderator, make_account):
    account = make_account(uid="m1", name="某账号")
    c = login(moderator)
    html = c.get("/accounts/m1/").content.decode()
    assert 'id="measures"' in html and "没有生效中的措施" in html and "采取处置措施" in html
    url = "/moderation/accounts/m1/measures/new/"
    r = c.post(url, {"kind": "restrict", "legal_basis": ["8.6"], "reason": "简介夸大"})
    assert r.status_code == 422 and "须选择被限制的功能" in _field_error(r.content.decode(), "functions")
    r = c.post(url, {"kind": "correction_order", "legal_basis": ["8.7"], "reason": "简介夸大"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "expires_at") == "限期改正须设置改正期限"
    r = c.post(url, {"kind": "restrict", "legal_basis": ["8.6"], "reason": "简介夹带联系方式", "functions": ["message"]})
    assert r.status_code == 302
    m = Measure.objects.get(account=account)
    account.refresh_from_db()
    assert m.state == MeasureState.ACTIVE and account.status == "restricted"
    html = c.get("/accounts/m1/").content.decode()
    assert "限制账号功能" in html and f"/moderation/measures/{m.pk}/lift/" in html
    r = c.post(f"/moderation/measures/{m.pk}/lift/", {"reason": "x"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason")
    r = c.post(f"/moderation/measures/{m.pk}/lift/", {"reason": "已删除联系方式"})
    assert r.status_code == 302
    m.refresh_from_db()
    account.refresh_from_db()
    assert m.state == MeasureState.LIFTED and account.status == "active"
    assert "以往的措施" in c.get("/accounts/m1/").content.decode()


def test_moderator_cannot_lift_a_close(login, moderator, supervisor, supervisor2, make_account):
    account = make_account(uid="m2")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.2"],
                               reason="冒充国家机关")
    services.measure_approve(actor=supervisor2, measure=m)
    assert login(moderator).post(f"/moderation/measures/{m.pk}/lift/", {"reason": "误判了"}).status_code == 403


def test_four_eyes_through_the_pages(login, supervisor, supervisor2, moderator, make_account):
    account = make_account(uid="m3", name="冒充账号")
    c1, c2 = login(supervisor), login(supervisor2)
    r = c1.post("/moderation/accounts/m3/measures/new/", {"kind": "close", "legal_basis": ["8.2"], "reason": "冒充国家机关"},
                follow=True)
    assert "须由另一位审核主管批准后生效" in r.content.decode()
    m = Measure.objects.get(account=account)
    assert m.state == MeasureState.PENDING_APPROVAL
    html = c1.get("/moderation/measures/pending/").content.decode()
    assert 'data-testid="own-proposal"' in html and f"/moderation/measures/{m.pk}/approve/" not in html
    r = c1.post(f"/moderation/measures/{m.pk}/approve/", follow=True)
    assert "提出人不能批准自己提出的措施" in r.content.decode()
    m.refresh_from_db()
    assert m.state == MeasureState.PENDING_APPROVAL
    assert login(moderator).post(f"/moderation/measures/{m.pk}/approve/").status_code == 403
    html = c2.get("/moderation/measures/pending/").content.decode()
    assert f"/moderation/measures/{m.pk}/approve/" in html
    r = c2.post(f"/moderation/measures/{m.pk}/refuse/", {"reason": ""})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason")
    c2.post(f"/moderation/measures/{m.pk}/approve/")
    m.refresh_from_db()
    account.refresh_from_db()
    assert m.state == MeasureState.ACTIVE and m.approved_by == supervisor2 and account.status == "closed"


def test_refuse_a_proposal(login, supervisor, supervisor2, make_account):
    account = make_account(uid="m4")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.BAN_REREGISTRATION,
                               legal_basis=["10.3"], reason="反复注册")
    r = login(supervisor2).post(f"/moderation/measures/{m.pk}/refuse/", {"reason": "证据不足"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.state == MeasureState.REFUSED


def test_measure_list_filters(login, auditor, supervisor, make_account):
    a, b = make_account(uid="ml1"), make_account(uid="ml2")
    services.measure_apply(actor=supervisor, account=a, kind=MeasureKind.WARNING, legal_basis=["8.7"], reason="夸大")
    services.measure_apply(actor=supervisor, account=b, kind=MeasureKind.SUSPEND, legal_basis=["8.6"], reason="联系方式",
                           expires_at=timezone.now() + dt.timedelta(days=3))  # longer ones wait for a second supervisor
    c = login(auditor)
    def uids(url):  # account uids on the page (not random tokens that may contain "ml1")
        return set(re.findall(r"\bml\d\b", re.sub(r"[A-Za-z0-9_-]{32,}", "", c.get(url).content.decode())))

    assert uids("/moderation/measures/?kind=suspend") == {"ml2"}
    assert uids("/moderation/measures/?reportable=true") == {"ml2"}
    today = timezone.localdate().isoformat()
    html = c.get(f"/moderation/measures/?created_after={today}&state=active").content.decode()
    assert "ml1" in html and "ml2" in html


# ---------------------------------------------------------------------------------------------
# Pause switches


def test_pause_page_set_banner_api_and_lift(login, supervisor, moderator, submit):
    c = login(supervisor)
    assert "注册与信息变更均正常受理" in c.get("/moderation/pauses/").content.decode()
    r = c.post("/moderation/pauses/", {"scope": "registration", "account_kind": "all", "reason": "x"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason") == "须填写原因"
    r = c.post("/moderation/pauses/", {"scope": "registration", "account_kind": "all", "reason": "系统升级维护"})
    assert r.status_code == 302
    r = c.post("/moderation/pauses/", {"scope": "registration", "account_kind": "all", "reason": "再暂停一次"})
    assert r.status_code == 422 and "请先解除它" in _field_error(r.content.decode(), "scope")
    html = login(moderator).get("/").content.decode()
    assert 'class="pause-banner"' in html and "系统升级维护" in html
    status, body = submit("p1", {"name": "新用户"})
    assert status == 503
    html = login(moderator).get("/moderation/pauses/").content.decode()
    assert "系统升级维护" in html and "解除暂停" not in html
    assert login(moderator).post("/moderation/pauses/", {"scope": "change", "reason": "试试看"}).status_code == 403
    from moderation.models import PauseSwitch

    switch = PauseSwitch.objects.get()
    assert login(moderator).post(f"/moderation/pauses/{switch.pk}/lift/").status_code == 403
    c.post(f"/moderation/pauses/{switch.pk}/lift/")
    switch.refresh_from_db()
    assert switch.lifted_at is not None
    assert 'class="pause-banner"' not in login(moderator).get("/").content.decode()
    assert AuditEntry.objects.filter(event__in=["pause.set", "pause.lifted"]).count() == 2


def test_pause_end_time_must_be_future(login, supervisor):
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = login(supervisor).post("/moderation/pauses/", {"scope": "change", "account_kind": "organization",
                                                       "reason": "机构认证系统升级", "ends_at": past})
    assert r.status_code == 422 and _field_error(r.content.decode(), "ends_at") == "结束时间必须晚于现在"


# ---------------------------------------------------------------------------------------------
# Rules management


def _try(c, name):
    html = c.get("/moderation/rules/try/", {"name": name}).content.decode()
    m = re.search(r'data-decision="([a-z_]+)"', html)
    return m.group(1), html


def test_term_added_in_the_ui_changes_the_verdict(login, supervisor, moderator):
    c = login(supervisor)
    decision, html = _try(c, "菠萝蜜语小铺")
    assert decision == "allow"
    version_before = re.search(r'规则集版本 <span class="mono">(\w+)', html).group(1)
    form = c.get("/moderation/rules/new/").content.decode()
    assert 'list="rule-categories"' in form and '<option value="medical">资质：医疗卫生</option>' in form
    r = c.post("/moderation/rules/new/", {"term": "菠萝蜜语", "category": "测试", "article": "8.8",
                                          "severity": "reject", "note": "演示"})
    assert r.status_code == 302
    term = RuleTerm.objects.get(term="菠萝蜜语")
    assert AuditEntry.objects.filter(event="rule_term.saved", subject_id=str(term.pk)).exists()
    decision, html = _try(c, "菠萝蜜语小铺")
    assert decision == "reject" and '<mark class="finding"' in html
    assert version_before not in html
    # htmx asks for the result only
    r = c.get("/moderation/rules/try/", {"name": "菠萝蜜语小铺"}, headers={"HX-Request": "true"})
    assert "<html" not in r.content.decode() and 'data-decision="reject"' in r.content.decode()
    # the list shows it; a moderator can see but not add
    assert "菠萝蜜语" in login(moderator).get("/moderation/rules/").content.decode()
    assert login(moderator).post("/moderation/rules/new/", {"term": "x"}).status_code == 403
    # edit, then disable: the verdict follows
    r = c.post(f"/moderation/rules/{term.pk}/edit/", {"term": "菠萝蜜语", "category": "测试", "article": "8.8",
                                                      "severity": "review"})
    assert r.status_code == 302
    assert _try(c, "菠萝蜜语小铺")[0] == "review"
    c.post(f"/moderation/rules/{term.pk}/toggle/")
    term.refresh_from_db()
    assert not term.is_active and _try(c, "菠萝蜜语小铺")[0] == "allow"


def test_allow_list_entry_and_duplicate_error(login, supervisor):
    c = login(supervisor)
    data = {"term": "中国美食地图", "category": "白名单", "article": "10.2", "severity": "review", "allow": "on",
            "confirm_allow": "1"}  # past the impact warning (test_allowlist_entry_warns_with_counts_first)
    assert c.post("/moderation/rules/new/", data).status_code == 302
    assert RuleTerm.objects.get(term="中国美食地图").allow
    r = c.post("/moderation/rules/new/", data)
    assert r.status_code == 422 and _field_error(r.content.decode(), "term") == "同类别下已有该词条"


def test_reason_templates_supervisor_edits(login, supervisor, moderator):
    c = login(supervisor)
    r = c.post("/moderation/rules/reasons/new/", {"article": "8.6", "title": "夹带联系方式",
                                                  "text": "账号信息中含有联系方式。", "is_active": "on"})
    assert r.status_code == 302
    tpl = ReasonTemplate.objects.get()
    assert AuditEntry.objects.filter(event="reason_template.saved", subject_id=str(tpl.pk)).exists()
    r = c.post(f"/moderation/rules/reasons/{tpl.pk}/edit/", {"article": "8.6", "title": "夹带联系方式",
                                                             "text": "账号信息中含有微信号等联系方式。"})
    tpl.refresh_from_db()
    assert r.status_code == 302 and not tpl.is_active and "微信号" in tpl.text
    assert "夹带联系方式" in login(moderator).get("/moderation/rules/reasons/").content.decode()
    assert login(moderator).post(f"/moderation/rules/reasons/{tpl.pk}/edit/", {}).status_code == 403


# ---------------------------------------------------------------------------------------------
# Navigation, dashboard, query counts


def test_nav_and_dashboard_panels(login, supervisor, auditor, change_case):
    html = login(supervisor).get("/").content.decode()
    for label in ("审核工单", "处置措施", "规则管理", "暂停开关", "未决审核工单", "已逾期工单", "我领取的工单", "待批准的关闭/禁止措施"):
        assert label in html, label
    html = login(auditor).get("/").content.decode()
    assert "未决审核工单" in html and "待批准的关闭/禁止措施" not in html and "我领取的工单" not in html


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_is_constant(login, moderator, submit):
    c = login(moderator)
    _registration_case(submit, "q0")
    c.get("/moderation/cases/")  # warm the permission and banner caches
    few = _count(c, "/moderation/cases/")
    for i in range(1, 12):
        _registration_case(submit, f"q{i}", f"医生{i}号")
    services.case_claim(actor=moderator, case=ReviewCase.objects.first())
    many = _count(c, "/moderation/cases/")
    assert many == few, (few, many)
    assert few <= 12


def test_case_page_query_count_is_bounded(login, moderator, supervisor, change_case):
    c = login(moderator)

    def add(i):
        services.case_add_note(actor=moderator, case=change_case, text=f"备注 {i}")
        m = services.measure_apply(actor=supervisor, account=change_case.account, kind=MeasureKind.WARNING,
                                   legal_basis=["8.7"], reason=f"警示 {i}")
        services.measure_lift(actor=supervisor, measure=m, reason="已改正")

    add(0)
    c.get(f"/moderation/cases/{change_case.pk}/")
    base = _count(c, f"/moderation/cases/{change_case.pk}/")
    for i in range(1, 6):
        add(i)
    more = _count(c, f"/moderation/cases/{change_case.pk}/")
    assert more == base, (base, more)
    assert base <= 30



def test_bad_queue_filter_is_reported_under_its_label(login, moderator, change_case):
    r = login(moderator).get("/moderation/cases/?priority_min=urgent-ish")
    html = r.content.decode()
    assert r.status_code == 200 and "<b>优先级（从–到）</b>" in html


# ---------------------------------------------------------------------------------------------
# Queue tooling (issue 14): sort, name search, totals, saved views, live count — with query budgets


def _queue_ids(html):
    return [int(x) for x in re.findall(r'data-case="(\d+)"', html)]


def test_queue_sort_and_its_query_count(login, moderator, submit, django_assert_max_num_queries):
    cases = [_registration_case(submit, f"so{i}", f"医生{i}号") for i in range(4)]
    for i, case in enumerate(cases):
        ReviewCase.objects.filter(pk=case.pk).update(priority=10 + i)
    c = login(moderator)
    c.get("/moderation/cases/")
    with django_assert_max_num_queries(12):
        html = c.get("/moderation/cases/?sort=-priority").content.decode()
    assert _queue_ids(html) == [x.pk for x in reversed(cases)]
    assert _queue_ids(c.get("/moderation/cases/?sort=priority").content.decode()) == [x.pk for x in cases]
    assert "共 4 个工单" in html and "第 1 / 1 页" in html
    assert 'href="?sort=priority"' in html  # clicking the sorted column flips it


def test_queue_searches_account_name_text(login, moderator, make_account, django_assert_max_num_queries):
    a = make_account(uid="nm1", name="爱跑步的土豆")
    b = make_account(uid="nm2", name="半糖奶茶")
    ca = services.case_open(actor=None, account=a, reason="complaint", source="test:1")
    services.case_open(actor=None, account=b, reason="complaint", source="test:2")
    c = login(moderator)
    c.get("/moderation/cases/")
    with django_assert_max_num_queries(12):
        html = c.get("/moderation/cases/?q=跑步").content.decode()
    assert _queue_ids(html) == [ca.pk]


def test_saved_views_are_per_user_and_shareable(login, moderator, moderator2, change_case,
                                                django_assert_max_num_queries):
    c = login(moderator)
    r = c.post("/moderation/cases/views/", {"name": "变更", "query": "reason=change&page=3"})
    assert r.status_code == 302 and r["Location"] == "/moderation/cases/?reason=change"
    c.post("/moderation/cases/views/", {"name": "共享的", "query": "reason=complaint", "shared": "1"})
    assert AuditEntry.objects.filter(event="saved_view.saved").count() == 2
    with django_assert_max_num_queries(12):
        html = c.get("/moderation/cases/").content.decode()
    assert "变更" in html and "共享的" in html
    other = login(moderator2).get("/moderation/cases/").content.decode()
    assert "共享的" in other and 'href="?reason=change"' not in other


def test_live_new_count(login, moderator, change_case, make_account):
    c = login(moderator)
    since = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    r = c.get("/moderation/cases/new-count/", {"since": since, "reason": "complaint"})
    assert r.status_code == 200 and "新工单" not in r.content.decode()
    services.case_open(actor=None, account=make_account(uid="nc1"), reason="complaint", source="api:1")
    html = c.get("/moderation/cases/new-count/", {"since": since, "reason": "complaint"}).content.decode()
    assert "1 个新工单" in html


def test_bulk_result_counts_what_the_preview_skipped(login, moderator, moderator2, submit):
    """Issue 14: the preview said 3 of 4 would be handled; the result said 3 done, 0 skipped."""
    a = _registration_case(submit, "bh1", "赵医生")
    b = _registration_case(submit, "bh2", "钱医生")
    taken = _registration_case(submit, "bh3", "孙医生")
    services.case_claim(actor=moderator2, case=taken)  # someone else's: the preview skips it
    ReasonTemplate.objects.create(article="11", title="医疗资质", text="账号信息涉及医疗卫生领域，未提供相应执业资格。")
    c = login(moderator)
    template = ReasonTemplate.objects.get(title="医疗资质")
    data = {"action": "reject", "case": [a.pk, b.pk, taken.pk], "template": template.pk}
    html = c.post("/moderation/cases/bulk/", data).content.decode()
    assert "确认执行（2 件）" in html and "未提供相应执业资格" in html  # the template filled reason and article
    # what the preview's confirmation sends: only the cases it would handle, and how many were selected
    confirm = {"action": "reject", "case": [a.pk, b.pk], "articles": ["11"], "selected": "3", "confirm": "1",
               "reason": template.text}
    r = c.post("/moderation/cases/bulk/", confirm, follow=True)
    assert "选中 3 件，成功 2 件，跳过 1 件，失败 0 件" in r.content.decode()
    html = c.get("/moderation/cases/").content.decode()
    assert 'name="template"' in html and 'class="bulk-articles"' in html


def test_try_it_answers_in_words(login, supervisor):
    """Issue 14 / bugs 7, 10: the try-it box said ``reject`` and raw severities."""
    html = login(supervisor).get("/moderation/rules/try/", {"name": "人民日报"}).content.decode()
    result = html[html.index('data-testid="try-result"'):]
    assert 'data-decision="reject">驳回</b>' in result
    assert "· reject" not in result and "名称" in result


def test_lexicon_lists_built_in_and_added_terms(login, supervisor, moderator, django_assert_max_num_queries):
    """Issue 14: built-in lexicons were invisible; every term is listed with its source."""
    services.rule_term_save(actor=supervisor, instance=None, term="菠萝蜜语", allow=False, category="fraud",
                            article="8.8", severity="reject", homophone=False, note="")
    c = login(moderator)
    c.get("/moderation/rules/lexicon/")
    with django_assert_max_num_queries(12):
        html = c.get("/moderation/rules/lexicon/", {"q": "人民日报"}).content.decode()
    assert "人民日报" in html and "内置词库" in html
    html = c.get("/moderation/rules/lexicon/", {"q": "菠萝蜜语"}).content.decode()
    assert "界面添加" in html and "诈骗" in html
    html = c.get("/moderation/rules/lexicon/", {"category": "exaggeration"}).content.decode()
    assert "夸大、名不副实" in html and "共 0 条" not in html


def test_allowlist_entry_warns_with_counts_first(login, supervisor, make_account, submit):
    """Issue 14: a one-click allow-list entry of a common fragment warns with what it would change."""
    make_account(uid="al1", name="小明爱跑步")
    make_account(uid="al2", name="小明的猫")
    status, body = submit("al3", {"name": "小明加微信abc12345"})  # refused; its name contains the fragment
    assert status == 201 and body["decision"] == "reject", body
    c = login(supervisor)
    data = {"term": "小明", "allow": "on", "category": "test", "article": "8.8", "severity": "review", "note": ""}
    r = c.post("/moderation/rules/new/", data)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="allowlist-impact"' in html
    assert "2 个现有账号" in html and "1 次自动驳回" in html
    assert not RuleTerm.objects.filter(term="小明").exists()
    r = c.post("/moderation/rules/new/", {**data, "confirm_allow": "1"})
    assert r.status_code == 302 and RuleTerm.objects.filter(term="小明", allow=True).exists()
