"""A moderator logs in, filters the account list (htmx), opens an account and sees masked identity."""

import pytest

from tests.browser.waiting import wait_until
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_browses_accounts(page, staff_login, moderator, make_account, tmp_path):
    make_account(uid="b1", name="成都美食探店", mobile="13800138000", resident_id="110101199003071233")
    make_account(uid="b2", name="远山文化", kind="organization")
    staff_login("moderator", PASSWORD)
    page.click("nav.mainnav >> text=账号")
    page.wait_for_selector("text=成都美食探店")
    page.select_option("select[name=kind]", "organization")  # htmx swaps the table in place
    wait_until(page, "!document.querySelector('#list-table').innerText.includes('成都美食探店')")
    assert "远山文化" in page.inner_text("#list-table")
    assert "kind=organization" in page.url
    page.goto("/accounts/")
    page.click("text=b1")
    page.wait_for_selector("h1:has-text('成都美食探店')")
    body = page.inner_text("body")
    assert "110***********1233" in body and "110101199003071233" not in body
    assert "查看完整号码" not in body  # moderators cannot reveal
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)


def test_language_switch_to_english(page, staff_login, moderator):
    staff_login("moderator", PASSWORD)
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
