"""A supervisor opens 动态核验, starts a run for all accounts and reads its results; the account
page shows the recheck history."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_supervisor_starts_a_recheck_and_reads_the_results(page, staff_login, supervisor, make_account, tmp_path):
    make_account(uid="r1", name="读书人", mobile="13800138001")
    make_account(uid="r2", name="加微信abc12345", mobile="13800138002")
    staff_login("supervisor", PASSWORD)
    page.click("nav.mainnav >> text=动态核验")
    page.wait_for_selector("[data-testid=start-form]")
    page.select_option("select[name=scope]", "all")
    page.click("[data-testid=start-form] button[type=submit]")
    page.wait_for_url(lambda url: "/rechecks/" in url and url.rstrip("/").split("/")[-1].isdigit())
    page.wait_for_selector("[data-testid=run-progress][data-status=finished]")
    assert page.inner_text("[data-testid=summary-checked]") == "2"
    assert page.inner_text("[data-testid=summary-clean]") == "1"
    assert page.inner_text("[data-testid=summary-flagged]") == "1"
    assert "8.6" in page.inner_text("[data-testid=by-article]")
    page.screenshot(path=str(tmp_path / "recheck.png"), full_page=True)
    page.click("text=加微信abc12345")
    page.wait_for_selector("#account-rechecks")
    assert "8.6" in page.inner_text("#account-rechecks")
