"""The loops of issue 14 walked in Chromium by the roles that use them: a complaint → its review
case → the decision → the complainant's feedback; an automatic refusal overturned by a
supervisor; a decision undone from its flash message."""

import itertools
import json

import pytest

from accounts.models import Account
from complaints import services as complaint_services
from complaints.choices import ComplaintStatus
from moderation.models import Submission
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
_keys = itertools.count(1)


def _confirm_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_complaint_case_decision_feedback(page, staff_login, moderator, make_account):
    make_account(uid="bw1", name="某市人民政府发布")
    complaint, _ = complaint_services.complaint_submit(actor=None, data=complaint_services.ComplaintInput(
        category="8.2", target="bw1", description="这个账号冒充市政府发布通知。"))
    _confirm_dialogs(page)
    staff_login("moderator", PASSWORD)
    page.goto(f"/complaints/{complaint.pk}/")
    page.click("button:has-text('受理')")
    page.click("button:has-text('开始甄别')")
    page.check("input[name='screen-result'][value='valid']")
    page.click("button:has-text('提交甄别结论')")
    page.wait_for_selector("[data-testid=waiting-for-case]")
    assert "待审核工单决定" in page.inner_text("[data-testid=status]")
    page.click("[data-testid=case-link]")
    page.wait_for_selector("#complainants")
    assert "这个账号冒充市政府发布通知。" in page.inner_text("#complainants")
    page.check("input[name=decision][value=measure]")
    page.select_option("#decision-form select[name=articles]", ["8.2"])
    page.fill("#decision-form textarea[name=reason]", "冒充政府机关")
    page.select_option("#decision-form select[name=measure_kind]", "warning")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector(".messages")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.FEEDBACK_SENT
    page.goto(f"/complaints/{complaint.pk}/")
    assert "平台已依法依约采取处置措施" in page.inner_text("body")


def test_automatic_refusal_overturned(page, staff_login, supervisor, api):
    body = {"idempotency_key": "browser-ov-0001", "kind": "registration", "uid": "bw2", "info": {"name": "人民日报"},
            "identity": {"method": "mobile", "number": "13712345678"}}
    r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
    assert r.json()["status"] == "rejected"
    submission = Submission.objects.get(uid="bw2")
    _confirm_dialogs(page)
    staff_login("supervisor", PASSWORD)
    page.goto("/moderation/submissions/?decision=reject")
    page.click(f"a[href='/moderation/submissions/{submission.pk}/']")
    page.wait_for_selector("#findings")
    assert "8.4" in page.inner_text("#findings")
    page.fill("#overturn textarea[name=reason]", "同名的个人账号，并非新闻媒体")
    page.click("#overturn button[type=submit]")
    page.wait_for_selector("[data-testid=submission-status]")
    assert "改为通过" in page.inner_text("[data-testid=submission-status]")
    assert Account.objects.filter(uid="bw2").exists()
    page.goto("/moderation/rules/")
    assert "被推翻" in page.inner_text("#overturned")


def test_decision_undone_from_its_message(page, staff_login, moderator, make_account):
    from moderation import services

    account = make_account(uid="bw3")
    case = services.case_open(actor=None, account=account, reason="complaint", source="test:1")
    _confirm_dialogs(page)
    staff_login("moderator", PASSWORD)
    page.goto(f"/moderation/cases/{case.pk}/")
    page.uncheck("#decision-form input[name=next]")
    page.check("input[name=decision][value=no_action]")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("[data-testid=undo]")
    page.click("[data-testid=undo]")
    page.wait_for_selector("text=已撤销工单")
    case.refresh_from_db()
    assert case.status == "claimed" and case.decision == ""
