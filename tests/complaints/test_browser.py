"""Browser: a member of the public files a complaint, a moderator handles it, and the
complainant sees the outcome by tracking code (Playwright on Debian's Chromium)."""

import re

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from tests.browser.waiting import wait_until

from .conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-pass-123"  # noqa: S105


@pytest.fixture
def browser(chromium):
    return chromium


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def _page():
        ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _page
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def staff(db):
    roles.sync_roles()  # earlier transactional tests flush the groups the migrations created
    user = User.objects.create_user("browser-moderator", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.MODERATOR))
    return user


def _captcha_answer(key: str) -> str:
    """What a person reads in the picture (the test reads the store instead)."""
    from captcha.models import CaptchaStore

    return CaptchaStore.objects.get(hashkey=key).response.upper()


def test_public_files_moderator_handles_complainant_sees_outcome(new_page, staff, make_account, tmp_path):
    make_account(uid="t1", name="某某市人民政府发布")
    evidence = tmp_path / "shot.png"
    evidence.write_bytes(image_bytes(size=(120, 80)))

    # 1. A member of the public, no login: the entrance is linked from the page itself.
    public = new_page()
    public.goto("/login/")
    public.click("footer >> text=投诉举报")
    public.wait_for_selector("h1:has-text('提交投诉举报')")
    public.select_option("select[name=category]", "8.2")
    public.fill("input[name=target]", "https://example.com/u/t1")
    public.fill("textarea[name=description]", "该账号冒充市政府，头像使用国徽，请核查处理。")
    public.set_input_files("input[name=evidence]", str(evidence))
    public.fill("input[name=contact]", "13800138000")
    # The captcha picture is drawn by this server (no other site) and can be swapped for another.
    loaded = "(img => img.complete && img.naturalWidth > 50)(document.querySelector('img[data-captcha-image]'))"
    wait_until(public, loaded)
    first_key = public.input_value("input[name=captcha_0]")
    public.click("text=看不清，换一张")
    wait_until(public, f"document.querySelector('input[name=captcha_0]').value !== '{first_key}'")
    wait_until(public, loaded)
    # A mistake first: everything typed stays, the files must be chosen again, a new picture.
    public.fill("input[name=captcha_1]", "七七七七七")
    public.click("button:has-text('提交投诉')")
    assert "英文字母和数字" in public.inner_text("form.complaint-form")
    assert "重新选择证据截图" in public.inner_text("form.complaint-form")
    assert public.input_value("input[name=contact]") == "13800138000"
    public.set_input_files("input[name=evidence]", str(evidence))
    public.fill("input[name=captcha_1]", _captcha_answer(public.input_value("input[name=captcha_0]")))
    public.click("button:has-text('提交投诉')")
    code = public.inner_text("[data-testid=tracking-code]").strip()
    assert re.fullmatch(r"QL-[A-Z0-9-]{14}", code)
    assert "已收到" in public.inner_text("[data-testid=stage]")

    # 2. A moderator works it through the queue.
    mod = new_page()
    mod.goto("/login/")
    mod.fill("input[name=username]", staff.username)
    mod.fill("input[name=password]", PASSWORD)
    mod.click("button[type=submit]")
    mod.wait_for_url(lambda url: "/login/" not in url)
    mod.click("nav.mainnav >> text=投诉举报")
    mod.click(f"text={code}")
    mod.wait_for_selector("[data-testid=clock]")
    body = mod.inner_text("body")
    assert "138****8000" in body and "13800138000" not in body
    for label in ("认领", "受理", "开始甄别"):
        with mod.expect_navigation():
            mod.click(f"[data-testid=actions] button:text-is('{label}')")
    mod.check("input[name=screen-result][value=valid]")
    with mod.expect_navigation():
        mod.click("button:has-text('提交甄别结论')")
    # the complaint waits for the account's review case (issue 14): its decision is the feedback
    assert "待审核工单决定" in mod.inner_text("[data-testid=status]")
    complaint_url = mod.url
    mod.click("[data-testid=case-link]")
    mod.wait_for_selector("#complainants")
    mod.check("input[name=decision][value=measure]")
    mod.select_option("#decision-form select[name=articles]", ["8.2"])
    mod.fill("#decision-form textarea[name=reason]", "假冒政府机关")
    mod.select_option("#decision-form select[name=measure_kind]", "warning")
    mod.on("dialog", lambda dialog: dialog.accept())
    with mod.expect_navigation():
        mod.click("#decision-form button[type=submit]")
    mod.goto(complaint_url)
    assert "已反馈" in mod.inner_text("[data-testid=status]")

    # 3. The complainant looks it up by tracking code.
    public.goto("/complaints/public/status/")
    public.fill("input[name=code]", code)
    public.click("button:has-text('查询')")
    outcome = public.inner_text("[data-testid=outcome]")
    assert "平台已依法依约采取处置措施" in outcome
    page_text = public.inner_text("body")
    assert "browser-moderator" not in page_text and "t1" not in page_text
    public.screenshot(path=str(tmp_path / "status.png"), full_page=True)
