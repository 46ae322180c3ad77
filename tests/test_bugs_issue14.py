"""Small bugs from the moderator's-day walkthrough (issue 14): each failed before its fix."""

import json

import pytest

from accounts.management.commands.seed_demo import login_url


def test_make_run_login_url_follows_port():
    """Bug 8: ``make run`` printed port 8000 whatever PORT was."""
    assert login_url({"PORT": "8123"}) == "http://127.0.0.1:8123/login/"
    assert login_url({"HOST": "0.0.0.0", "PORT": "9000"}) == "http://127.0.0.1:9000/login/"
    assert login_url({}) == "http://127.0.0.1:8000/login/"
    makefile = open("Makefile", encoding="utf-8").read()
    assert "PORT=$(PORT) $(BIN)/python manage.py seed_demo" in makefile


@pytest.mark.django_db
def test_short_idempotency_key_error_is_chinese_and_names_the_minimum(api):
    """Bug 9: the minimum length was undocumented and its error came back in English."""
    body = {"idempotency_key": "abc", "kind": "registration", "uid": "ik1", "info": {"name": "小明"},
            "identity": {"method": "mobile", "number": "13800138000"}}
    r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    error = next(e for e in r.json()["errors"] if e["field"] == "idempotency_key")
    assert error["message"] == "至少 8 个字符" and error["code"] == "string_too_short"
    schema = api.get("/api/openapi.json").json()
    text = json.dumps(schema, ensure_ascii=False)
    assert "8–100 个字符" in text


@pytest.mark.django_db
def test_timelines_and_labels_in_words(login, moderator, make_account):
    """Bug 10: raw codes in the Chinese UI (case sources, complaint statuses, the assignee label)."""
    from complaints import services as complaint_services
    from moderation import services

    account = make_account(uid="bx1")
    case = services.case_open(actor=None, account=account, reason="complaint", source="submission:7")
    c = login(moderator)
    html = c.get(f"/moderation/cases/{case.pk}/").content.decode()
    assert "提交 #7" in html and "submission:7" not in html
    queue = c.get("/moderation/cases/").content.decode()
    assert "me / unassigned" not in queue and "我 / 未分配" in queue
    services.case_claim(actor=moderator, case=case)
    assert f'data-case="{case.pk}"' in c.get("/moderation/cases/?assignee=我").content.decode()
    complaint, _ = complaint_services.complaint_submit(actor=None, data=complaint_services.ComplaintInput(
        category="8.2", target="bx1", description="冒充政府机关，头像使用国徽。"))
    complaint_services.complaint_accept(actor=moderator, complaint=complaint)
    html = c.get(f"/complaints/{complaint.pk}/").content.decode()
    history = html[html.index('class="history"'):]
    assert "→ 已受理" in history and "→ accepted" not in history


@pytest.mark.django_db
def test_policies_inputs_under_their_own_headers_and_medians_alike(login, supervisor):
    """Bug 7: both SLA inputs sat under one header; medians printed "0" and "0.0"."""
    import re

    from django.template.loader import render_to_string

    html = login(supervisor).get("/complaints/policies/").content.decode()
    row = re.search(r"<tr>\s*<td>[^<]+</td>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert 'name="accept_days"' in cells[0] and 'name="feedback_days"' in cells[1] and "colspan" not in row
    a = render_to_string("complaints/partials/metrics_row.html", {"row": {"median_feedback_days": 0}})
    b = render_to_string("complaints/partials/metrics_row.html", {"row": {"median_feedback_days": 0.0}})
    assert a == b
