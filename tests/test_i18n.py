"""The English catalogue: complete, compiled, and used when a person picks English.

The source language is Simplified Chinese (msgids are Chinese); ``locale/en/LC_MESSAGES`` holds the
English translation. Both the ``.po`` and the compiled ``.mo`` are committed, so a machine without
GNU gettext serves English too. After adding UI text, run ``manage.py makemessages -l en`` (with
``--ignore`` for .venv, rules, bench, tests, staticfiles and var), translate the new entries and run
``compilemessages``; these tests catch a forgotten step.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]")
HAN = re.compile(r"[\u3400-\u9fff]")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: one dict per entry with flags, msgid, msgid_plural and msgstr(s)."""
    entries: list[dict] = []
    entry: dict = {}
    key = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#~"):  # obsolete entries are not served
            continue
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
            continue
        if line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line):
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
        else:
            raise AssertionError(f"unreadable line in {path.name}: {raw!r}")
    return entries


def _messages() -> list[dict]:
    return [e for e in parse_po(PO_PATH) if e["msgid"]]


def _label(e: dict) -> str:
    return e["msgid"][:60]


def test_catalogue_is_complete_and_not_fuzzy():
    entries = _messages()
    assert len(entries) > 500, "the English catalogue looks truncated"
    fuzzy = [_label(e) for e in entries if "fuzzy" in e.get("flags", set())]
    untranslated = [
        _label(e)
        for e in entries
        if not all(v for k, v in e.items() if k.startswith("msgstr"))
        or ("msgid_plural" in e and not ("msgstr[0]" in e and "msgstr[1]" in e))
    ]
    assert not fuzzy, f"fuzzy entries in {PO_PATH}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {PO_PATH}: {untranslated}"
    header = next(e for e in parse_po(PO_PATH) if not e["msgid"])
    assert "fuzzy" not in header.get("flags", set())
    assert "Language: en" in header["msgstr"]


def test_translations_keep_placeholders_and_are_english():
    for e in _messages():
        sources = [e["msgid"]] + ([e["msgid_plural"]] if "msgid_plural" in e else [])
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for key, value in e.items():
            if not key.startswith("msgstr"):
                continue
            assert sorted(set(PLACEHOLDER.findall(value))) == wanted, f"placeholders differ: {_label(e)}"
            assert not HAN.search(value), f"Chinese left in the English translation of {_label(e)}"


def test_compiled_catalogue_matches_po():
    """The committed .mo is what Django serves: it must hold every current translation."""
    with MO_PATH.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in _messages():
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            ok = (
                mo.ngettext(msgid, e["msgid_plural"], 1) == e["msgstr[0]"]
                and mo.ngettext(msgid, e["msgid_plural"], 2) == e["msgstr[1]"]
            )
        else:
            ok = mo.gettext(msgid) == e["msgstr"]
        if not ok:
            stale.append(_label(e))
    assert not stale, f"{MO_PATH.name} is stale (run compilemessages): {stale[:10]}"


def test_plural_forms():
    with translation.override("en"):
        assert (
            translation.ngettext("%(n)s 个工作日内", "%(n)s 个工作日内", 1) % {"n": 1}
            == "Within 1 working day"
        )
        assert (
            translation.ngettext("%(n)s 个工作日内", "%(n)s 个工作日内", 15) % {"n": 15}
            == "Within 15 working days"
        )


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_staff_pages_in_english_with_the_language_cookie(supervisor, login):
    client = login(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/accounts/").content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Accounts",
        "Dashboard",
        "Review cases",
        "Audit log",
        "Log out",
        "No matching accounts",
        "Credit score",
        "IP location",
    ):
        assert text in html, text
    for text in ("工作台", "审计记录", "退出", "没有符合条件的账号"):
        assert text not in html, text


def test_staff_pages_default_to_chinese(supervisor, login):
    html = login(supervisor).get("/accounts/").content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("账号", "工作台", "审计记录", "退出", "没有符合条件的账号"):
        assert text in html, text
    assert "Dashboard" not in html and "Log out" not in html


@pytest.mark.django_db
def test_public_complaint_page_in_english_from_accept_language(client):
    html = client.get("/complaints/public/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "<title>Complaints · Qinglang account information compliance</title>" in html
    for text in (
        "Submit a complaint",
        "Report account information",
        "Complaint category",
        "Complaint details",
        "Check progress",
        "Process and deadlines",
    ):
        assert text in html, text
    assert "提交投诉举报" not in html


@pytest.mark.django_db
def test_public_complaint_page_in_english_from_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/complaints/public/process/").content.decode()
    assert "Complaint handling process and feedback deadlines" in html
    assert "working day" in html


@pytest.mark.django_db
def test_public_complaint_page_defaults_to_chinese(client):
    html = client.get("/complaints/public/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "提交投诉举报" in html and "账号信息投诉举报" in html
    assert "Submit a complaint" not in html


def test_staff_pages_ignore_browser_language(supervisor, login):
    html = login(supervisor).get("/accounts/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "工作台" in html


# ---------------------------------------------------------------------------------------------
# Service-layer refusals (ServiceError / ModerationError) are built in the request's language.


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'id="error-{field}"[^>]*>([^<]+)<', html)
    return match.group(1) if match else ""


def test_service_errors_reach_an_english_staff_user_in_english(supervisor, login):
    client = login(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post("/moderation/pauses/", {"scope": "registration", "account_kind": "all", "reason": "x"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason") == "A reason is required"
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/moderation/pauses/", {"scope": "change", "account_kind": "all", "reason": "upgrade",
                                            "ends_at": past})
    assert r.status_code == 422 and _field_error(r.content.decode(), "ends_at") == "The end time must be in the future"
    # A refusal shown as a flash message after a redirect.
    assert client.post("/moderation/pauses/", {"scope": "change", "account_kind": "all",
                                               "reason": "upgrade"}).status_code == 302
    from moderation.models import PauseSwitch

    switch = PauseSwitch.objects.get()
    client.post(f"/moderation/pauses/{switch.pk}/lift/")
    html = client.post(f"/moderation/pauses/{switch.pk}/lift/", follow=True).content.decode()
    assert "This pause has already been lifted" in html and "该暂停已解除" not in html


def test_service_errors_stay_chinese_by_default(supervisor, login):
    client = login(supervisor)
    r = client.post("/moderation/pauses/", {"scope": "registration", "account_kind": "all", "reason": "x"})
    assert r.status_code == 422 and _field_error(r.content.decode(), "reason") == "须填写原因"
    assert "A reason is required" not in r.content.decode()


def test_api_errors_with_placeholders_follow_the_language_cookie_not_the_browser(api):
    body = json.dumps({"idempotency_key": "i18n-check-1", "kind": "change", "uid": "no-such-uid", "info": {"bio": "hi"}})
    r = api.post("/api/v1/submissions", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404
    assert r.json()["errors"][0]["message"] == "账号 no-such-uid 不存在"
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = api.post("/api/v1/submissions", data=body, content_type="application/json")
    assert r.status_code == 404
    assert r.json()["errors"][0] == {"field": "uid", "message": "Account no-such-uid does not exist",
                                     "code": "not_found"}


def test_article_choices_follow_the_language_but_notices_stay_chinese(settings):
    from moderation.filtersets import ARTICLE_CHOICES
    from moderation.services.notices import article_text

    with translation.override("en"):
        labels = dict((code, str(label)) for code, label in ARTICLE_CHOICES)
        assert labels["11"] == "11 · Art 11 (professional qualifications)"
        assert article_text(["11"]) == "第十一条（专业资质）"  # what the account holder reads
    with translation.override("zh-hans"):
        assert str(dict(ARTICLE_CHOICES)["11"]) == "11 · 第十一条（专业资质）"
