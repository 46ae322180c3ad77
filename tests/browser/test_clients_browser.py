"""A platform engineer's first hour, from the back office alone (issue 20): an admin creates a
client with the engineer's endpoint, copies the secret shown once, sends a test event, and the
endpoint verifies it with the standard library using that copied secret."""

import pytest

from tests.conftest import PASSWORD
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_client_and_the_endpoint_verifies_a_test_event(page, staff_login, admin_user, tmp_path):
    receiver = Receiver(default=200)
    try:
        staff_login("admin", PASSWORD)
        page.click("nav.mainnav >> text=接口客户端")
        page.click("text=新建客户端")
        page.fill("input[name=name]", "内容平台")
        page.check("input[name=scopes][value='notices:read']")
        page.fill("input[name=webhook_url]", receiver.url)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=secret]")
        assert "只显示这一次" in page.inner_text("body")
        receiver.secret = page.inner_text("[data-testid=secret]").strip()  # what the engineer copies
        assert receiver.secret.startswith("whsec_") and page.inner_text("[data-testid=token]").startswith("qlk_")
        page.click("text=已保存，返回客户端页")
        assert receiver.secret not in page.content()  # never shown again
        page.click("text=发送测试事件")
        page.wait_for_selector("[data-testid=test-result]")
        result = page.inner_text("[data-testid=test-result]")
        assert "成功" in result and "200" in result and '{"ok":true}' in result
        (got,) = receiver.requests
        assert got.verified and got.payload["type"] == "webhook.test"
        assert "测试事件" in page.inner_text("#deliveries") and got.headers["webhook-id"] in page.inner_text("#deliveries")
        page.screenshot(path=str(tmp_path / "client.png"), full_page=True)
    finally:
        receiver.close()
