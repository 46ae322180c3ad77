"""A supervisor in Chromium: a complaint's deadline in 2027 says 暂定; the link leads to the calendar,
which shows the computed statutory days next to what is entered; entering part of the notice does
not let the year be confirmed; with the whole notice entered, one step confirms it, the complaint's
deadline loses its mark and its timeline shows the recompute (issues 19 and 14.5)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from complaints import services
from core.workdays import SHANGHAI
from tests.calendar.notice import enter_notice_2027
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("QINGLANG_SCREENSHOTS", "")


def _shot(page, tmp_path, name):
    page.screenshot(path=str((SHOTS and os.path.join(SHOTS, name)) or tmp_path / name), full_page=True)


def test_supervisor_confirms_2027_and_the_deadline_becomes_final(page, staff_login, supervisor, make_account,
                                                                  monkeypatch, tmp_path):
    moment = dt.datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)  # the live server runs in this process
    make_account(uid="t1", name="某某市人民政府发布")
    complaint, _created = services.complaint_submit(actor=None, data=services.ComplaintInput(
        category="8.2", target="t1", description="冒充政府机关，头像使用国徽。"))

    # the complainant's status page: the same deadline, marked 暂定, explained on the public process page
    page.goto("/complaints/public/status/")
    page.fill("form.lookup input[name=code]", complaint.tracking_code)
    page.click("form.lookup button[type=submit]")
    page.wait_for_selector("[data-testid=stage]")
    status = page.inner_text(".status-block")
    assert "2027年1月15日 暂定 前" in status
    assert page.get_attribute(".status-block a.provisional", "href") == "/complaints/public/process/"
    _shot(page, tmp_path, "public-status-provisional.png")

    staff_login("supervisor", PASSWORD)
    page.goto(f"/complaints/{complaint.pk}/")
    clock = page.locator("[data-testid=clock]")
    assert "2027-01-15 23:59" in clock.inner_text() and "暂定" in clock.inner_text()
    assert "尚未由主管确认" in page.inner_text("[data-testid=calendar-warning]")
    _shot(page, tmp_path, "complaint-provisional.png")

    clock.locator("a.provisional").first.click()
    page.wait_for_url("**/records/calendar/?year=2027")
    assert page.inner_text("[data-testid=year-status]") == "暂定"
    days = page.inner_text("[data-testid=days]")
    assert "春节（除夕）" in days and "待录入" in days and "清明节" in days

    # the Spring Festival break as one range
    page.fill("input[name=date]", "2027-02-05")
    page.fill("input[name=until]", "2027-02-11")
    page.select_option("select[name=kind]", "holiday")
    page.fill("input[name=name]", "春节")
    page.click("[data-testid=entry-form] button[type=submit]")
    page.wait_for_selector("text=已保存 7 天")
    row = page.locator("tr[data-date='2027-02-09']").inner_text()
    assert "通知另行放假" in row
    assert "一致" in page.locator("tr[data-date='2027-02-06']").inner_text()

    # not the whole notice yet: confirming is refused and says what is missing
    page.fill("input[name=notice]", "国务院办公厅关于2027年部分节假日安排的通知")
    page.click("[data-testid=confirm] button[type=submit]")
    page.wait_for_selector("text=以下法定节假日尚未录入为休息日")
    assert "2027-01-01" in page.inner_text("[data-testid=confirm]")
    assert page.inner_text("[data-testid=year-status]") == "暂定"

    enter_notice_2027(supervisor)  # the rest of the notice, as the same supervisor
    page.goto("/records/calendar/?year=2027")
    assert "待录入" not in page.inner_text("[data-testid=days]")
    _shot(page, tmp_path, "calendar-before-confirm.png")
    page.fill("input[name=notice]", "国务院办公厅关于2027年部分节假日安排的通知")
    page.click("[data-testid=confirm] button[type=submit]")
    page.wait_for_selector("text=已确认 2027 年安排")
    assert page.inner_text("[data-testid=year-status]") == "已确认"
    assert "由 supervisor 于" in page.inner_text("[data-testid=year]")
    _shot(page, tmp_path, "calendar-confirmed.png")

    page.goto(f"/complaints/{complaint.pk}/")
    assert "暂定" not in page.inner_text("[data-testid=clock]")
    assert page.locator("[data-testid=calendar-warning]").count() == 0
    assert "2027 年安排已确认" in page.inner_text("[data-testid=deadline-change]")
    _shot(page, tmp_path, "complaint-confirmed.png")
