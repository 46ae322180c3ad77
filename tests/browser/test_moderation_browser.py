"""A moderator claims the next case with the keyboard, sees the highlighted finding, rejects it with
an article and a reason, and the case shows as decided."""

import itertools
import json
import os
from pathlib import Path

import pytest

from accounts.models import Account
from moderation.models import ReasonTemplate, ReviewCase
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
_keys = itertools.count(1)


@pytest.fixture
def submit(api):
    """POST a submission through the platform API, as the platform would."""

    def _submit(uid: str, info: dict, *, kind: str = "registration"):
        body = {"idempotency_key": f"browser-{next(_keys):06d}", "kind": kind, "uid": uid, "info": info}
        if kind == "registration":
            body["identity"] = {"method": "mobile", "number": f"137{next(_keys):08d}"}
        r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
        return r.status_code, r.json()

    return _submit


def _shots(tmp_path) -> Path:
    path = Path(os.environ.get("QINGLANG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_moderator_claims_and_rejects_with_the_keyboard(page, staff_login, moderator, make_account, submit, tmp_path):
    make_account(uid="bc1", name="小明爱跑步", bio="记录每天的跑步路线")
    status, body = submit("bc1", {"name": "张医生说跑步", "bio": "三甲医院医生，分享跑步与健康"}, kind="change")
    assert body["decision"] == "review", body
    ReasonTemplate.objects.create(article="11", title="医疗资质", text="账号信息涉及医疗卫生领域，未提供相应执业资格。")
    shots = _shots(tmp_path)

    staff_login("moderator", PASSWORD)
    page.goto("/moderation/cases/")
    page.wait_for_selector(f"tr[data-case='{body['case_id']}']")
    page.screenshot(path=str(shots / "moderation_queue.png"), full_page=True)
    page.keyboard.press("n")  # claim next
    page.wait_for_url(f"**/moderation/cases/{body['case_id']}/")
    assert "已领取工单" in page.inner_text(".messages")
    mark = page.locator("#proposed mark.finding").first
    assert mark.inner_text() == "医生"
    assert "第十一条" in page.inner_text("#findings")
    page.keyboard.press("?")
    assert page.locator("#shortcut-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcut-help").is_visible()
    page.screenshot(path=str(shots / "moderation_case.png"), full_page=True)

    page.keyboard.press("r")  # reject: checks "驳回" and focuses the reason
    assert page.locator("input[name=decision][value=reject]").is_checked()
    assert page.evaluate("document.activeElement.name") == "reason"
    page.select_option("#decision-form select[name=template]", label="11 医疗资质")
    assert "未提供相应执业资格" in page.input_value("#decision-form textarea[name=reason]")
    page.select_option("#decision-form select[name=articles]", ["11"])
    page.click("#decision-form button[type=submit]")
    # decide and go to the next case (the default): the queue is empty now, so back to the queue,
    # with the decision and its 撤销 button in the message
    page.wait_for_url("**/moderation/cases/")
    assert page.locator("[data-testid=undo]").is_visible()
    page.goto(f"/moderation/cases/{body['case_id']}/")
    page.wait_for_selector("[data-testid=decided]")
    assert "驳回" in page.inner_text("[data-testid=case-status]")
    assert "未提供相应执业资格" in page.inner_text("#decide")
    page.screenshot(path=str(shots / "moderation_decided.png"), full_page=True)

    case = ReviewCase.objects.get(pk=body["case_id"])
    assert case.status == "decided" and case.decision == "reject" and case.decision_articles == ["11"]
    assert Account.objects.get(uid="bc1").name == "小明爱跑步"


def test_strict_case_form_is_locked_for_a_moderator(page, staff_login, moderator, submit):
    status, body = submit("bc2", {"name": "中国美食地图"})
    assert body["decision"] == "strict_review", body
    staff_login("moderator", PASSWORD)
    page.goto(f"/moderation/cases/{body['case_id']}/")
    assert "只有审核主管可以决定" in page.inner_text("#decide")
    assert page.locator("#decision-form button[type=submit]").is_disabled()
    assert page.locator(".quick-approve button").is_disabled()
    page.keyboard.press("a")  # the shortcut does nothing on a locked form
    page.wait_for_timeout(300)
    assert ReviewCase.objects.get(pk=body["case_id"]).status == "open"
