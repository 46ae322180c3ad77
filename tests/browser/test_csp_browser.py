"""Every main page renders under the Content-Security-Policy without a violation (issue 11 §3).

Seeds the demo data, then for each role logs in through the form and walks the site the way the
role can: from the dashboard, every same-site link once per page shape (digits collapsed), up to a
bound, plus a reveal and the print view. Chromium reports each refused script, style, image or
handler on the console ("… violates the following Content Security Policy directive …") and as a
``securitypolicyviolation`` event; both are collected and must stay empty.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKIP = re.compile(r"logout|export|download|\.csv|\.xlsx|/media/|/evidence/|/static/|/api/|format=|/file/|/admin/.+")
ROLES = {"moderator": "qinglang-moderator", "supervisor": "qinglang-supervisor",
         "auditor": "qinglang-auditor", "admin": "qinglang-admin"}
MAX_PAGES = 30

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @ ' + e.sourceFile + ':' + e.lineNumber));
"""


@pytest.fixture
def watched(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    context.add_init_script(LISTEN)
    violations: list[str] = []

    def _page():
        pg = context.new_page()
        pg.on("console", lambda m: "Content Security Policy" in m.text and violations.append(f"{pg.url}: {m.text}"))
        return pg

    yield _page, violations
    context.close()


def _visit(page, url: str, violations: list[str]) -> None:
    try:
        response = page.goto(url, wait_until="load")
    except Exception as exc:  # a link that turns out to download a file
        if "Download is starting" in str(exc):
            return
        raise
    assert response is None or response.status < 500, f"{url}: {response.status}"
    page.wait_for_timeout(50)  # htmx requests fired on load
    violations.extend(f"{url}: {v}" for v in page.evaluate("window.__csp || []"))


def _walk(page, live_url: str, violations: list[str]) -> list[str]:
    seen_shapes, queue, visited = set(), ["/"], []
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", urlsplit(url).path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        _visit(page, url, violations)
        visited.append(url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            absolute = urljoin(live_url + url, href)
            parts = urlsplit(absolute)
            if absolute.startswith(live_url) and not SKIP.search(absolute) and not href.startswith("#"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited


def test_no_csp_violations_on_main_pages_for_each_role(watched, live_server):
    call_command("seed_demo", accounts=20, stdout=io.StringIO())
    new_page, violations = watched
    anonymous = new_page()
    for url in ("/login/", "/complaints/public/", "/complaints/public/status/", "/api/docs"):
        _visit(anonymous, url, violations)
    for username, password in ROLES.items():
        page = new_page()
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        visited = _walk(page, live_server.url, violations)
        assert len(visited) >= 5, (username, visited)
        if username == "supervisor":
            _reveal(page, violations)
        page.close()
    assert violations == []


def _reveal(page, violations):
    from accounts.models import IdentityVerification

    identity = IdentityVerification.objects.first()
    _visit(page, f"/accounts/identities/{identity.pk}/reveal/", violations)
    page.select_option("select[name=purpose]", "complaint")
    page.fill("input[name=reason]", "投诉核查 TS-1，核对身份信息")
    page.click("form button[type=submit]")
    page.wait_for_selector(".reveal")
    violations.extend(page.evaluate("window.__csp || []"))
