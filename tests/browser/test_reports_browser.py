"""A supervisor generates this month's periodic report and an incident report on today's bans,
a second supervisor approves both, they are downloaded (XLSX, CSV, print view), marked submitted
and shown locked; the measure list offers exports of its current filter."""

import io
import os
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from moderation import services as moderation
from reports.models import RegulatorReport
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def files(settings, tmp_path):
    settings.QINGLANG_REPORTS_ROOT = str(tmp_path / "private")


def _shots(tmp_path) -> Path:
    path = Path(os.environ.get("QINGLANG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _login(chromium, live_server, username):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def _review(page, narrative):
    page.fill("#edit-form textarea[name=narrative]", narrative)
    page.fill("#edit-form input[name=contact_name]", "王主管")
    page.fill("#edit-form input[name=contact_phone]", "010-12345678")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    page.click("[data-testid=request-approval]")
    page.wait_for_selector("[data-testid=report-status]:has-text('待批准')")


def test_reports_from_generation_to_lock(chromium, live_server, files, supervisor, supervisor2, make_account,
                                          tmp_path):
    shots = _shots(tmp_path)
    for uid, name in (("rb1", "国家税务总局官方"), ("rb2", "公安部发布")):
        account = make_account(uid=uid, name=name, mobile=f"1380013{len(uid) * 1111:04d}"[:11])
        m = moderation.measure_apply(actor=supervisor2, account=account, kind="ban_reregistration",
                                     legal_basis=["8.2"], reason="冒用国家机关名义")
        moderation.measure_approve(actor=supervisor, measure=m)

    page = _login(chromium, live_server, "supervisor")
    page.goto("/")
    page.click("nav.mainnav >> text=监管报告")
    page.click("text=新建报告")
    page.click("#periodic-form button[type=submit]")  # this month is the default period
    page.wait_for_selector("[data-testid=report-status]:has-text('草稿')")
    assert "概况" in page.inner_text("#preview")
    _review(page, "本月处置违规账号 2 个，均为冒用国家机关名义。")
    periodic = RegulatorReport.objects.get(kind="periodic")

    page.goto("/reports/new/")
    page.click("[data-select-today]")
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("[data-testid=report-status]:has-text('草稿')")
    assert "国家税务总局官方" in page.inner_text("#preview")
    page.screenshot(path=str(shots / "report_draft.png"), full_page=True)
    _review(page, "今日关闭并禁止重新注册 2 个冒用国家机关名义的账号。")
    incident = RegulatorReport.objects.get(kind="incident")
    assert incident.measures.count() == 2
    # The one who asked cannot approve.
    assert page.locator("[data-testid=approve]").count() == 0

    approver = _login(chromium, live_server, "supervisor2")
    for report in (periodic, incident):
        approver.goto(f"/reports/{report.pk}/")
        approver.click("[data-testid=approve]")
        approver.wait_for_selector("[data-testid=report-status]:has-text('已批准')")
        assert "SHA-256" in approver.inner_text("#files")

    page.goto(f"/reports/{incident.pk}/")
    with page.expect_download() as info:
        page.click("[data-testid=download-xlsx]")
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert wb.sheetnames[:3] == ["报告", "处置措施明细", "实名认证信息"]
    with page.expect_download() as info:
        page.click("[data-testid=download-csv]")
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    with page.expect_popup() as popup:
        page.click("[data-testid=print]")
    printed = popup.value
    printed.wait_for_load_state()
    assert incident.number in printed.inner_text("body") and "草稿" not in printed.inner_text(".sheet h1")
    printed.pdf(path=str(shots / "report_print.pdf"), format="A4")  # what "print to PDF" gives
    printed.close()

    for report in (incident, periodic):
        page.goto(f"/reports/{report.pk}/")
        page.select_option("#submit-form select[name=channel]", "platform")
        page.fill("#submit-form input[name=reference]", f"网信报送-{report.pk}")
        page.fill("#submit-form input[name=person]", "王主管")
        page.click("[data-testid=submit]")
        page.wait_for_selector("[data-testid=locked]")
        assert "已报送" in page.inner_text("[data-testid=report-status]")
        assert page.locator("#edit-form").count() == 0 and page.locator("[data-testid=submit]").count() == 0
    page.screenshot(path=str(shots / "report_locked.png"), full_page=True)
    assert set(RegulatorReport.objects.values_list("status", flat=True)) == {"submitted"}
    assert all(r.submission_date == timezone.localdate() for r in RegulatorReport.objects.all())

    page.goto("/moderation/measures/?kind=ban_reregistration")
    link = page.locator("[data-testid=export-links] a[data-format=xlsx]")
    assert "kind=ban_reregistration" in link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    ws = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert ws.max_row == 3 and ws["E2"].value == "禁止重新注册"
