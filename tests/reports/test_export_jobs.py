"""Large exports run as a job with progress and an expiring link; the streaming path holds one
chunk of rows at a time, never the table."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Account
from core.models import AuditEntry
from moderation.models import Measure
from reports import exporting, services
from reports.models import Export


@pytest.fixture
def small_limit(settings):
    settings.QINGLANG_REPORTS = {"export_stream_max_rows": 2, "export_chunk_rows": 2}


def _measures(n: int, *, reason="批量警示") -> None:
    accounts = Account.objects.bulk_create([Account(uid=f"bulk{i:06d}", name=f"批量账号{i}") for i in range(n)])
    Measure.objects.bulk_create([Measure(account=a, kind="warning", legal_basis=["8.6"], reason=f"{reason}{i}",
                                         issued_by_label="supervisor", effective_from=timezone.now())
                                 for i, a in enumerate(accounts)])


def test_large_export_runs_as_a_job_and_is_downloaded_once_ready(login, supervisor, auditor, small_limit,
                                                                 django_capture_on_commit_callbacks):
    _measures(5)
    client = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/reports/export/moderation.measures/?format=xlsx&kind=warning")
    assert response.status_code == 302 and response["Location"] == "/reports/exports/"
    export = Export.objects.get()
    assert export.status == "done" and export.rows == 5 and export.expires_at > timezone.now()
    assert len(export.sha256) == 64 and export.path.startswith("exports/")
    created = AuditEntry.objects.get(event="export.created")
    assert created.new["mode"] == "job" and created.new["filter"] == {"kind": ["warning"]}
    completed = AuditEntry.objects.get(event="export.completed")
    assert completed.new["rows"] == 5 and completed.new["sha256"] == export.sha256

    page = client.get("/reports/exports/").content.decode()
    assert f"/reports/exports/{export.pk}/download/" in page and "可下载" in page
    download = client.get(f"/reports/exports/{export.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.active.max_row == 6
    assert AuditEntry.objects.filter(event="export.downloaded", actor_label="supervisor").count() == 1
    # Only the person who asked may take the file; another user sees nothing of it.
    assert login(auditor).get(f"/reports/exports/{export.pk}/download/").status_code == 403
    call_command("verify_audit")


def test_expired_exports_are_removed_and_no_longer_downloadable(login, supervisor, small_limit, report_files,
                                                                 django_capture_on_commit_callbacks):
    _measures(3)
    client = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/reports/export/moderation.measures/?format=csv")
    export = Export.objects.get()
    path = report_files / export.path
    assert path.is_file()
    assert services.exports_expire(now=timezone.now()) == 0
    assert services.exports_expire(now=export.expires_at + dt.timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert export.status == "expired" and not path.exists()
    assert AuditEntry.objects.filter(event="export.expired").count() == 1
    response = client.get(f"/reports/exports/{export.pk}/download/", follow=True)
    assert "不可下载" in response.content.decode()


def test_edited_export_file_is_detected(login, supervisor, small_limit, report_files,
                                        django_capture_on_commit_callbacks):
    _measures(3)
    with django_capture_on_commit_callbacks(execute=True):
        login(supervisor).get("/reports/export/moderation.measures/?format=csv")
    export = Export.objects.get()
    call_command("verify_audit")
    (report_files / export.path).write_bytes(b"edited")
    with pytest.raises(CommandError, match=f"export #{export.pk}: file changed"):
        call_command("verify_audit")


def _peak_while_streaming(user, rows_expected: int) -> int:
    spec = exporting.get_spec("moderation.measures")
    tbl = exporting.table(spec, user, {})
    tracemalloc.start()
    tracemalloc.reset_peak()
    seen = 0
    for data in exporting.csv_bytes(tbl):
        seen += data.count(b"\r\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == rows_expected + 1
    return peak


def test_streaming_csv_holds_a_chunk_not_the_table(supervisor, settings):
    """Ten times the rows must not need ten times the memory: rows are read through a cursor and
    written chunk by chunk (a list of all rows would grow with the table)."""
    settings.QINGLANG_REPORTS = {"export_chunk_rows": 500}
    _measures(1_000, reason="说明文字" * 20)
    small = _peak_while_streaming(supervisor, 1_000)
    Measure.objects.all().delete()
    Account.objects.filter(uid__startswith="bulk").delete()
    _measures(10_000, reason="说明文字" * 20)
    large = _peak_while_streaming(supervisor, 10_000)
    # Holding 10 000 rows of ~200 bytes of text would add well over 2 MB; a chunk is ~0.1 MB.
    assert large < small * 2 + 512 * 1024, (small, large)
    assert large < 3 * 1024 * 1024, large
