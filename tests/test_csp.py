"""Content-Security-Policy (issue 11 §3): the header allows only this site's own files, and no
template carries an inline handler, an inline script or a style without the request's nonce
(tests/browser/test_csp_browser.py walks the rendered pages in Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*nonce=)[^>]*>|\sstyle=\"", re.IGNORECASE)


def test_policy_header_on_pages(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'") and "unsafe-inline" not in directives["script-src"]
    assert "unsafe-inline" not in directives["style-src"] and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "http" not in policy  # no other origin, no CDN


def test_templates_have_no_inline_script_handlers_or_styles():
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT, STYLE_WITHOUT_NONCE):
            found += [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert found == []


def test_print_view_style_carries_the_nonce():
    text = (Path(settings.BASE_DIR) / "templates/reports/report_print.html").read_text(encoding="utf-8")
    assert '<style nonce="{{ request.csp_nonce }}">' in text
