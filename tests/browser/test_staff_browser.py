"""An admin's walk (issue 22): create a staff member with a role, hand over the one-time link
(the person sets a password and signs in), change the role, then look at 系统状态."""

import pytest
from django.contrib.auth.models import User

from core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_staff_assigns_a_role_and_checks_system_status(page, staff_login, admin_user, chromium,
                                                                    live_server, tmp_path):
    staff_login("admin", PASSWORD)
    page.click("nav.mainnav >> text=工作人员")
    page.click("text=新建工作人员")
    page.fill("input[name=username]", "li.si")
    page.fill("input[name=full_name]", "李四")
    page.check("input[name=roles][value=moderator]")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=link]")
    link = page.inner_text("[data-testid=link]").strip()
    assert "只显示这一次" in page.inner_text("body") and "/records/staff/password/" in link

    # The person opens the link in their own browser and sets a password.
    other = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    person = other.new_page()
    person.goto(link)
    person.fill("input[name=new_password1]", "Qinglang-walk-2026")
    person.fill("input[name=new_password2]", "Qinglang-walk-2026")
    person.click("button[type=submit]")
    person.wait_for_url(lambda url: "/login/" in url)
    person.fill("input[name=username]", "li.si")
    person.fill("input[name=password]", "Qinglang-walk-2026")
    person.click("button[type=submit]")
    person.wait_for_url(lambda url: "/login/" not in url)
    other.close()

    # The admin makes them a supervisor and sees the log-in and the audit trail.
    page.click("nav.mainnav >> text=工作人员")
    page.click("[data-testid=staff-list] >> text=li.si")
    page.uncheck("input[name=roles][value=moderator]")
    page.check("input[name=roles][value=supervisor]")
    page.click("text=保存角色")
    page.wait_for_selector("text=角色已保存")
    assert page.inner_text("[data-testid=roles]") == "审核主管"
    assert page.inner_text("[data-testid=last-login]") != "—"
    user = User.objects.get(username="li.si")
    assert list(AuditEntry.objects.filter(subject_type="auth.user", subject_id=str(user.pk))
                .order_by("id").values_list("event", flat=True)) == [
        "staff.created", "staff.password_link_issued", "staff.password_set", "staff.roles_changed"]

    page.click("nav.mainnav >> text=系统状态")
    page.wait_for_selector("[data-testid=queues]")
    body = page.inner_text("body")
    assert "定时任务（rqcron）" in body and "近一小时失败" in body
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
