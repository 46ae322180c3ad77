"""List exports: filter and sort as on the page, formats, masking, formula injection, audit."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from core.models import AuditEntry
from moderation.models import Measure
from reports.models import Export

SH = ZoneInfo("Asia/Shanghai")


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_measure_csv_honours_filter_and_sort(login, supervisor, make_account, warn, csv_rows):
    a, b = make_account(uid="ea1"), make_account(uid="ea2")
    first = warn(a)
    warn(b, kind="restrict", functions=["post"])
    third = warn(b)
    response, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=csv&kind=warning&sort=created_at")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(body)
    assert rows[0][:6] == ["编号", "账号UID", "账号名称", "记录类型", "措施", "状态"]
    assert [r[0] for r in rows[1:]] == [str(first.pk), str(third.pk)]
    assert rows[1][4] == "警示提醒" and rows[1][3] == "采取" and rows[1][6] == "8.6"
    _, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=csv&kind=warning&sort=-created_at")
    assert [r[0] for r in csv_rows(body)[1:]] == [str(third.pk), str(first.pk)]


def test_export_writes_an_audit_entry(login, supervisor, make_account, warn):
    warn(make_account())
    _get(login(supervisor), "/reports/export/moderation.measures/?format=csv&kind=warning&page=3")
    entry = AuditEntry.objects.get(event="export.created")
    assert entry.actor_label == "supervisor"
    assert entry.new["list"] == "moderation.measures" and entry.new["filter"] == {"kind": ["warning"]}
    assert entry.new["rows"] == 1 and entry.new["mode"] == "stream" and entry.new["format"] == "csv"
    export = Export.objects.get()
    assert export.rows == 1 and export.status == "streamed" and entry.subject_id == str(export.pk)


def test_formula_injection_is_neutralised_in_csv_and_xlsx(login, supervisor, make_account, warn, csv_rows):
    account = make_account(uid="fx1", name="=1+2")
    warn(account, reason='=HYPERLINK("http://evil.example","点我")')
    warn(account, reason="@SUM(A1)")
    warn(account, reason="-2+3")
    warn(account, reason="+1-2")
    _, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=csv&sort=id")
    rows = csv_rows(body)[1:]
    reasons = [r[7] for r in rows]
    assert reasons == ["'=HYPERLINK(\"http://evil.example\",\"点我\")", "'@SUM(A1)", "'-2+3", "'+1-2"]
    assert {r[2] for r in rows} == {"'=1+2"}
    _, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=xlsx&sort=id")
    ws = openpyxl.load_workbook(io.BytesIO(body))["处置措施"]
    cells = [ws.cell(row=i, column=8) for i in range(2, 6)]
    assert [c.value for c in cells] == reasons
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert ws.cell(row=2, column=3).value == "'=1+2"


def test_neutralise_covers_every_formula_start():
    from reports.formats import neutralise

    for text in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    for text in ("", "1-2", "a=b", "名称", "'=already quoted"):
        assert neutralise(text) == text


def test_personal_numbers_stay_masked(login, supervisor, auditor, make_account, warn, csv_rows):
    account = make_account(uid="pm1", mobile="13800138000")
    warn(account, reason="本人致电 13800138000 核实，身份证 110101199003071233")
    _, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=csv")
    text = body.decode("utf-8")
    assert "13800138000" not in text and "110101199003071233" not in text
    assert "138****8000" in text and "110***********1233" in text
    _, body = _get(login(auditor), "/reports/export/accounts.accounts/?format=csv&q=pm1")
    rows = csv_rows(body)
    assert rows[0][-2:] == ["实名认证方式", "证件号码（脱敏）"]
    assert rows[1][-2:] == ["移动电话号码", "'+86138****8000"]  # a leading + is quoted too
    assert "13800138000" not in body.decode("utf-8")


def test_moderator_exports_cases_but_not_identities_nor_the_audit_log(login, moderator, make_account, csv_rows):
    make_account(uid="mi1", mobile="13900139000")
    client = login(moderator)
    response, body = _get(client, "/reports/export/accounts.accounts/?format=csv")
    assert response.status_code == 200
    header = csv_rows(body)[0]
    assert "证件号码（脱敏）" not in header and "实名认证方式" not in header
    assert _get(client, "/reports/export/moderation.cases/?format=csv")[0].status_code == 200
    assert _get(client, "/reports/export/core.audit/?format=csv")[0].status_code == 403
    assert not Export.objects.filter(key="core.audit").exists()


@pytest.mark.parametrize(("role", "status"), [("nobody", 403), ("moderator", 403), ("auditor", 200),
                                               ("supervisor", 200)])
def test_audit_log_export_permission(request, login, role, status):
    user = request.getfixturevalue(role)
    assert _get(login(user), "/reports/export/core.audit/?format=xlsx")[0].status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/reports/export/core.audit/?format=csv")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_bad_filter_format_or_list_is_refused_naming_it(login, supervisor):
    client = login(supervisor)
    response, body = _get(client, "/reports/export/moderation.measures/?format=csv&kind=nonsense")
    assert response.status_code == 422 and "措施" in body.decode()
    response, body = _get(client, "/reports/export/moderation.measures/?format=csv&sort=reason")
    assert response.status_code == 422 and "reason" in body.decode()
    assert _get(client, "/reports/export/moderation.measures/?format=pdf")[0].status_code == 422
    assert _get(client, "/reports/export/no.such/?format=csv")[0].status_code == 404
    assert not Export.objects.exists() and not AuditEntry.objects.filter(event="export.created").exists()


def test_xlsx_reads_back_with_headers_values_and_frozen_header(login, supervisor, make_account, warn):
    account = make_account(uid="xl1", name="小明")
    m = warn(account, reason="名称含联系方式")
    Measure.objects.filter(pk=m.pk).update(created_at=dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC))
    response, body = _get(login(supervisor), "/reports/export/moderation.measures/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(body))
    ws = wb["处置措施"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:5] == ["编号", "账号UID", "账号名称", "记录类型", "措施"] and header[15] == "创建时间"
    assert ws[1][0].font.b
    row = [c.value for c in ws[2]]
    assert row[0] == m.pk and row[1] == "xl1" and row[2] == "小明" and row[4] == "警示提醒"
    assert row[11] == "否" or row[11] == "是"
    assert row[15] == dt.datetime(2026, 3, 1, 9, 30)  # Beijing wall time
    assert ws.column_dimensions["H"].width == 36


def _expected(key):
    """The rows each filter + sort below must give, written out independently of the export code."""
    from accounts.models import Account
    from complaints.models import Complaint
    from moderation.models import ReviewCase, Submission

    return {
        "accounts.accounts": lambda: Account.objects.filter(status="suspended").order_by("-credit_score", "-pk")
        .values_list("uid", flat=True),
        "moderation.cases": lambda: ReviewCase.objects.filter(reason="strict_review").order_by("-priority", "-pk")
        .values_list("pk", flat=True),
        "moderation.measures": lambda: Measure.objects.filter(kind="warning").order_by("pk").values_list("pk", flat=True),
        "moderation.submissions": lambda: Submission.objects.filter(decision="reject").order_by("-pk")
        .values_list("pk", flat=True),
        "complaints.complaints": lambda: Complaint.objects.filter(category="8.6").order_by("received_at", "pk")
        .values_list("tracking_code", flat=True),
        "core.audit": lambda: AuditEntry.objects.filter(event__startswith="measure.").order_by("pk")
        .values_list("pk", flat=True),
    }[key]()


LIST_CASES = [
    ("accounts.accounts", "/accounts/", "status=suspended&sort=-credit_score"),
    ("moderation.cases", "/moderation/cases/", "status=all&reason=strict_review&sort=-priority"),
    ("moderation.measures", "/moderation/measures/", "kind=warning&sort=id"),
    ("moderation.submissions", "/moderation/submissions/", "decision=reject&sort=-id"),
    ("complaints.complaints", "/complaints/", "category=8.6&sort=received"),
    ("core.audit", "/records/audit/", "event=measure.&sort=id"),
]


@pytest.mark.parametrize(("key", "page", "query"), LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_every_list_exports_exactly_its_filter_and_sort(login, supervisor, make_account, warn, key, page, query,
                                                        csv_rows):
    from core.registry import registry

    _seed_lists(make_account, warn, supervisor)
    client = login(supervisor)
    html = client.get(f"{page}?{query}").content.decode()
    assert f"/reports/export/{key}/?" in html, "the list page offers the export"
    assert query.split("&")[-1] in html, "the export link carries the page's filter and sort"
    response, body = _get(client, f"/reports/export/{key}/?{query}&format=csv")
    assert response.status_code == 200, body[:300]
    expected = [str(v) for v in _expected(key)]
    assert len(expected) >= 2, "the data should give the filter and the sort something to do"
    assert [r[0] for r in csv_rows(body)[1:]] == expected
    assert len(expected) < registry.exports[key].selector(user=supervisor).count(), "the filter leaves rows out"


def _seed_lists(make_account, warn, supervisor):
    import json

    from django.test import Client

    from accounts.models import Account
    from core.apiauth import api_client_create

    accounts = [make_account(uid=f"sl{i}") for i in range(4)]
    for a in accounts:
        warn(a)
    warn(accounts[0], kind="restrict", functions=["post"])
    Account.objects.filter(pk__in=[a.pk for a in accounts[:3]]).update(status="suspended")
    for i, a in enumerate(accounts[:3]):
        Account.objects.filter(pk=a.pk).update(credit_score=50 + i * 7)
    from moderation.models import ReviewCase

    due = timezone.now() + dt.timedelta(hours=4)
    for i, (reason, priority) in enumerate([("strict_review", 70), ("strict_review", 90), ("registration", 60),
                                            ("strict_review", 80), ("change", 50)]):
        ReviewCase.objects.create(subject_uid=f"case{i}", reason=reason, priority=priority, due_at=due)
    _client, token = api_client_create(actor=None, name="seed-platform", scopes=["*"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for i, name in enumerate(["正常用户甲", "加微信 abc12345 领红包", "人民日报官方", "正常用户乙", "中国美食地图",
                                "北京旅游攻略", "上海美食指南", "加VX 123456789 免费领"]):
        r = api.post("/api/v1/submissions", data=json.dumps({
            "idempotency_key": f"seed-key-{i}", "kind": "registration", "uid": f"sub{i}", "info": {"name": name},
            "identity": {"method": "mobile", "number": f"1370000{i:04d}"}}), content_type="application/json")
        assert r.status_code in (200, 201, 422), r.content
    for i in range(3):
        r = api.post("/api/v1/complaints", data=json.dumps({
            "category": "8.6", "target": f"sl{i}", "description": f"名称里有联系方式 {i}",
            "external_ref": f"ref-{i}"}), content_type="application/json")
        assert r.status_code in (200, 201), r.content
    api.post("/api/v1/complaints", data=json.dumps({"category": "other", "target": "sl3", "description": "其他问题，请核实",
                                                    "external_ref": "ref-x"}), content_type="application/json")


def test_beijing_wall_time_fast_path_matches_the_zone_database():
    from reports.formats import SHANGHAI, local

    for stamp in (dt.datetime(2026, 3, 1, 1, 30, 5, 123456, tzinfo=dt.UTC),
                  dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC), dt.datetime(1991, 7, 1, 3, 0, tzinfo=dt.UTC),
                  dt.datetime(1988, 6, 1, 12, 0, tzinfo=dt.UTC)):
        assert local(stamp) == stamp.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def test_xlsx_fast_rows_keep_every_value(tmp_path):
    from reports.xlsx import FAST_ROWS, Workbook

    assert FAST_ROWS, "openpyxl's internals moved: rows now take the slow path (update reports/xlsx.py)"
    book = Workbook()
    sheet = book.sheet("数据: [测试]/?", ["文本", "数", "小数", "日期", "时间", "空"], [10, 6, 6, 12, 20, 4])
    rows = [["  前后空格  ", 42, 1.5, dt.date(2026, 12, 2), dt.datetime(2026, 12, 2, 8, 30, 15), None],
            ["a<b & c>d\x00\x07", -7, 0.0, dt.date(1999, 1, 1), dt.datetime(1999, 12, 31, 23, 59, 59), ""],
            ["换行\n第二行", 0, 3.25, None, None, None]]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(str(path))
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "数据_ _测试___" and ws.freeze_panes == "A2"
    got = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got[0] == ["  前后空格  ", 42, 1.5, dt.datetime(2026, 12, 2), dt.datetime(2026, 12, 2, 8, 30, 15), None]
    assert got[1] == ["a<b & c>d", -7, 0, dt.datetime(1999, 1, 1), dt.datetime(1999, 12, 31, 23, 59, 59), None]
    assert got[2][:3] == ["换行\n第二行", 0, 3.25]
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["E2"].number_format == "yyyy-mm-dd hh:mm:ss"
