"""Regulator reports: generate, review, second-supervisor approval, submit, lock; immutability
checked by verify_audit; permissions; reporting deadlines of reportable measures."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.errors import ServiceError
from core.models import AuditEntry
from reports import selectors, services
from reports.models import RegulatorReport, ReportedMeasure

CONTACT = {"narrative": "本月共处置违规账号若干，详见附表。", "contact_name": "王主管", "contact_title": "审核主管",
           "contact_phone": "010-12345678", "contact_email": "report@example.com"}


def _draft(run_jobs, supervisor, **kw) -> RegulatorReport:
    today = timezone.localdate()
    report = run_jobs(services.report_create_periodic, actor=supervisor, period_kind="month", year=today.year,
                      number=today.month, **kw)
    report.refresh_from_db()
    assert report.status == "draft", report.error
    return report


def _approved(run_jobs, report, supervisor, supervisor2, **approve):
    services.report_edit(actor=supervisor, report=report, **CONTACT)
    services.report_request_approval(actor=supervisor, report=report)
    run_jobs(services.report_approve, actor=supervisor2, report=report, **approve)
    report.refresh_from_db()
    return report


def _events(report) -> list[str]:
    return list(AuditEntry.objects.filter(subject_type="reports.regulatorreport", subject_id=str(report.pk))
                .order_by("id").values_list("event", flat=True))


def test_periodic_report_workflow_is_audited_and_ends_locked(run_jobs, supervisor, supervisor2, make_account, warn,
                                                             ban):
    warn(make_account(uid="pw1"))
    ban(make_account(uid="pw2", mobile="13800138000"))
    report = _draft(run_jobs, supervisor)
    assert report.number.startswith("QL-PER-") and len(report.data_sha256) == 64
    assert report.section_rows["measures"] == 6 and report.section_rows["summary"] == 9
    assert report.period_start.day == 1

    with pytest.raises(ServiceError, match="联系人"):
        services.report_request_approval(actor=supervisor, report=report)
    report = _approved(run_jobs, report, supervisor, supervisor2)
    assert report.status == "approved" and report.approved_by == supervisor2
    files = {f.format: f for f in report.files.all()}
    assert set(files) == {"xlsx", "csv", "html"} and all(len(f.sha256) == 64 for f in files.values())

    services.report_submit(actor=supervisor, report=report, channel="platform", reference="网信报〔2026〕12号",
                           submitted_on=timezone.localdate(), person="王主管")
    report.refresh_from_db()
    assert report.status == "submitted"
    assert _events(report) == ["report.created", "report.generated", "report.edited", "report.approval_requested",
                               "report.approved", "report.files_stored", "report.submitted"]
    # Immutable: no edit, no regeneration, no second submission.
    for attempt in (lambda: services.report_edit(actor=supervisor, report=report, narrative="改"),
                    lambda: services.report_regenerate(actor=supervisor, report=report),
                    lambda: services.report_submit(actor=supervisor, report=report, channel="email", reference="再次",
                                                   submitted_on=timezone.localdate(), person="王主管")):
        with pytest.raises(ServiceError) as exc:
            attempt()
        assert exc.value.status == 409
    call_command("verify_audit")


def test_approval_needs_a_second_supervisor(run_jobs, supervisor, supervisor2, moderator, auditor):
    report = _draft(run_jobs, supervisor)
    services.report_edit(actor=supervisor, report=report, **CONTACT)
    services.report_request_approval(actor=supervisor, report=report)
    with pytest.raises(ServiceError) as exc:
        services.report_approve(actor=supervisor, report=report)
    assert exc.value.code == "four_eyes"
    for user in (moderator, auditor):
        with pytest.raises(ServiceError) as exc:
            services.report_approve(actor=user, report=report)
        assert exc.value.status == 403
    services.report_return(actor=supervisor2, report=report, reason="请补充联系人职务")
    report.refresh_from_db()
    assert report.status == "draft"
    # supervisor2 edits and asks now: then neither may approve (the creator, the one who asked).
    services.report_edit(actor=supervisor2, report=report, contact_title="审核组长")
    services.report_request_approval(actor=supervisor2, report=report)
    for user in (supervisor, supervisor2):
        with pytest.raises(ServiceError, match="另一位主管"):
            services.report_approve(actor=user, report=report)


def test_moderators_cannot_create_edit_or_read_reports(run_jobs, supervisor, moderator, login):
    report = _draft(run_jobs, supervisor)
    with pytest.raises(ServiceError) as exc:
        services.report_create_periodic(actor=moderator, period_kind="month", year=2026, number=1)
    assert exc.value.status == 403
    with pytest.raises(ServiceError):
        services.report_edit(actor=moderator, report=report, narrative="x")
    client = login(moderator)
    for url in ("/reports/", f"/reports/{report.pk}/", f"/reports/{report.pk}/download/xlsx/",
                f"/reports/{report.pk}/print/", "/reports/new/", "/reports/measures/"):
        assert client.get(url).status_code == 403, url


ROLES = ["nobody", "moderator", "supervisor", "auditor", "admin_user"]
MATRIX = [
    ("/reports/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/reports/new/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 403, "admin_user": 200}),
    ("/reports/measures/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/reports/{pk}/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/reports/{pk}/download/xlsx/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200,
                                      "admin_user": 200}),
    ("/reports/{pk}/download/csv/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200,
                                     "admin_user": 200}),
    ("/reports/{pk}/print/", {"nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/reports/exports/", {"nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}),
    ("/moderation/submissions/", {"nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200,
                                  "admin_user": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(request, login, run_jobs, supervisor2, role, url, expected):
    report = _draft(run_jobs, supervisor2)
    user = request.getfixturevalue(role)
    response = login(user).get(url.format(pk=report.pk))
    assert response.status_code == expected[role], f"{role} GET {url}"
    assert login(None).get(url.format(pk=report.pk)).status_code == 302


def test_auditor_reads_and_downloads_but_changes_nothing(run_jobs, supervisor, supervisor2, auditor, login):
    report = _approved(run_jobs, _draft(run_jobs, supervisor), supervisor, supervisor2)
    client = login(auditor)
    response = client.get(f"/reports/{report.pk}/download/xlsx/")
    assert response.status_code == 200 and response["X-Content-SHA256"] == report.files.get(format="xlsx").sha256
    assert client.post(f"/reports/{report.pk}/submit/", {"channel": "email"}).status_code == 403
    assert client.post(f"/reports/{report.pk}/approve/").status_code == 403
    assert AuditEntry.objects.filter(event="report.downloaded", actor_label="auditor").exists()


def test_edited_file_or_row_is_detected_by_verify_audit(run_jobs, supervisor, supervisor2, report_files):
    report = _approved(run_jobs, _draft(run_jobs, supervisor), supervisor, supervisor2)
    services.report_submit(actor=supervisor, report=report, channel="email", reference="邮件回执 001",
                           submitted_on=timezone.localdate(), person="王主管")
    call_command("verify_audit")
    stored = report.files.get(format="csv")
    original = (report_files / stored.path).read_bytes()
    (report_files / stored.path).write_bytes(original.replace("王主管".encode(), "李主管".encode()))
    with pytest.raises(CommandError, match="stored csv file was changed"):
        call_command("verify_audit")
    (report_files / stored.path).write_bytes(original)
    call_command("verify_audit")

    RegulatorReport.objects.filter(pk=report.pk).update(narrative="事后改写的说明")
    with pytest.raises(CommandError, match="content changed after approval"):
        call_command("verify_audit")
    RegulatorReport.objects.filter(pk=report.pk).update(narrative=CONTACT["narrative"])
    RegulatorReport.objects.filter(pk=report.pk).update(submission_reference="改过的回执")
    with pytest.raises(CommandError, match="submission record changed"):
        call_command("verify_audit")
    RegulatorReport.objects.filter(pk=report.pk).update(submission_reference="邮件回执 001", status="draft")
    with pytest.raises(CommandError, match="moved back to draft"):
        call_command("verify_audit")


def test_data_file_edit_is_detected(run_jobs, supervisor, supervisor2, report_files):
    report = _approved(run_jobs, _draft(run_jobs, supervisor), supervisor, supervisor2)
    path = report_files / report.data_path
    path.write_bytes(path.read_bytes() + b"[1]\n")
    with pytest.raises(CommandError, match="data file changed"):
        call_command("verify_audit")


def test_incident_report_on_todays_bans_with_identities(run_jobs, supervisor, supervisor2, make_account, ban,
                                                        login):
    m1 = ban(make_account(uid="ib1", name="国家税务总局官方", mobile="13800138000"))
    m2 = ban(make_account(uid="ib2", name="公安部发布", resident_id="110101199003071233"))
    assert {m.pk for m in selectors.awaiting_measures()} == {m1.pk, m2.pk}
    report = run_jobs(services.report_create_incident, actor=supervisor, measure_ids=[m1.pk, m2.pk],
                      include_identities=True)
    report.refresh_from_db()
    assert report.status == "draft" and report.kind == "incident" and report.section_rows["measures"] == 2
    # The draft shows identity numbers masked.
    draft = login(supervisor).get(f"/reports/{report.pk}/download/csv/")
    text = b"".join(draft.streaming_content).decode("utf-8")
    assert "110101199003071233" not in text and "110***********1233" in text and "草稿" in text
    services.report_edit(actor=supervisor, report=report, **CONTACT)
    services.report_request_approval(actor=supervisor, report=report)
    with pytest.raises(ServiceError) as exc:
        services.report_approve(actor=supervisor2, report=report)
    assert exc.value.field == "confirm_identities"
    run_jobs(services.report_approve, actor=supervisor2, report=report, confirm_identities=True)
    report.refresh_from_db()
    final = login(supervisor2).get(f"/reports/{report.pk}/download/xlsx/")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(final.streaming_content)))
    assert wb.sheetnames[0] == "报告" and "处置措施明细" in wb.sheetnames and "实名认证信息" in wb.sheetnames
    numbers = [row[2] for row in wb["实名认证信息"].iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == ["'+8613800138000", "110101199003071233"]  # full numbers; a leading + quoted
    measures = list(wb["处置措施明细"].iter_rows(values_only=True))
    assert measures[0][:5] == ("措施编号", "账号UID", "账号名称（处置时）", "用户类型", "措施")
    assert measures[1][1] == "ib1" and measures[1][2] == "国家税务总局官方" and measures[1][4] == "禁止重新注册"
    assert isinstance(measures[1][13], dt.datetime)  # effective time, a real date cell
    assert wb["实名认证信息"].freeze_panes == "A2"
    # Still awaiting until the report is submitted; then neither awaiting nor overdue.
    assert selectors.awaiting_measures().count() == 2
    services.report_submit(actor=supervisor, report=report, channel="platform", reference="专报-001",
                           submitted_on=timezone.localdate(), person="王主管")
    assert selectors.awaiting_measures().count() == 0 and selectors.overdue_measures().count() == 0
    call_command("verify_audit")


def test_identities_only_for_kinds_that_need_them(supervisor):
    from reports.services.reports import _create

    with pytest.raises(ServiceError) as exc:
        _create(actor=supervisor, kind="periodic", title="x", start=None, end=None, params={}, include_identities=True)
    assert exc.value.field == "include_identities"


def test_reporting_deadline_and_overdue(make_account, ban, settings):
    m = ban(make_account(uid="od1"))
    # Effective on a Monday 10:00 (2026-11-30 is a Monday): due end of Tuesday with 1 working day.
    monday = dt.datetime(2026, 11, 30, 10, 0, tzinfo=selectors.SHANGHAI)
    type(m).objects.filter(pk=m.pk).update(effective_from=monday)
    m.refresh_from_db()
    assert selectors.report_due_at(m) == dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=selectors.SHANGHAI)
    tuesday_noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=selectors.SHANGHAI)
    wednesday = dt.datetime(2026, 12, 2, 8, 0, tzinfo=selectors.SHANGHAI)
    assert not selectors.overdue_measures(tuesday_noon).exists()
    assert list(selectors.overdue_measures(wednesday)) == [m]
    settings.QINGLANG_REPORTS = {"reporting_deadline_working_days": 3}
    assert not selectors.overdue_measures(wednesday).exists()
    # Friday 2026-12-04 → 3 working days later is Wednesday 12-09 (weekend skipped).
    type(m).objects.filter(pk=m.pk).update(effective_from=dt.datetime(2026, 12, 4, 9, 0, tzinfo=selectors.SHANGHAI))
    m.refresh_from_db()
    assert selectors.report_due_at(m).date() == dt.date(2026, 12, 9)


def test_correction_is_a_new_version_linking_the_old(run_jobs, supervisor, supervisor2, make_account, ban):
    m = ban(make_account(uid="cr1"))
    report = run_jobs(services.report_create_incident, actor=supervisor, measure_ids=[m.pk])
    report.refresh_from_db()
    report = _approved(run_jobs, report, supervisor, supervisor2)
    services.report_submit(actor=supervisor, report=report, channel="document", reference="文号 7",
                           submitted_on=timezone.localdate(), person="王主管")
    with pytest.raises(ServiceError):
        services.report_correct(actor=supervisor, report=RegulatorReport.objects.create(
            number="x", kind="periodic", title="x", created_by_label="x", status="draft"))
    correction = run_jobs(services.report_correct, actor=supervisor, report=report)
    correction.refresh_from_db()
    assert correction.number == report.number and correction.version == 2 and correction.replaces == report
    assert correction.status == "draft" and correction.narrative == CONTACT["narrative"]
    assert list(ReportedMeasure.objects.filter(report=correction).values_list("measure_id", flat=True)) == [m.pk]
    with pytest.raises(ServiceError, match="已有更正版本"):
        services.report_correct(actor=supervisor, report=report)
    report.refresh_from_db()
    assert report.status == "submitted"  # the original stays as it was
    call_command("verify_audit")


def test_inspection_pack_holds_the_records_of_the_range(run_jobs, supervisor, supervisor2, make_account, warn,
                                                        login):
    a = make_account(uid="in1")
    warn(a)
    warn(make_account(uid="in2"))
    today = timezone.localdate()
    report = run_jobs(services.report_create_inspection, actor=supervisor, start=today - dt.timedelta(days=1),
                      end=today, uid="in1", records=["moderation.measures", "core.audit"])
    report.refresh_from_db()
    assert report.status == "draft", report.error
    assert report.section_rows["moderation_measures"] == 1
    assert report.section_rows["core_audit"] >= 2  # account created, measure applied …
    response = login(supervisor).get(f"/reports/{report.pk}/download/xlsx/")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["报告", "处置措施", "审计记录"]
    with pytest.raises(ServiceError) as exc:
        services.report_create_inspection(actor=supervisor, start=today, end=today - dt.timedelta(days=3))
    assert exc.value.field == "end"


def test_print_view_is_a4_with_number_and_page_numbers(run_jobs, supervisor, supervisor2, login):
    report = _draft(run_jobs, supervisor)
    html = login(supervisor).get(f"/reports/{report.pk}/print/").content.decode()
    assert "size: A4" in html and "counter(page)" in html and report.number in html and "草稿" in html
    report = _approved(run_jobs, report, supervisor, supervisor2)
    stored = login(supervisor2).get(f"/reports/{report.pk}/print/").content.decode()
    assert "草稿 · 未经批准" not in stored and report.label in stored and "王主管" in stored


def test_dashboard_panels_count_awaiting_and_overdue(rf, supervisor, moderator, make_account, ban):
    from reports.panels import awaiting_panel, overdue_panel

    m = ban(make_account(uid="dp1"))
    ban(make_account(uid="dp2"))
    type(m).objects.filter(pk=m.pk).update(effective_from=timezone.now() - dt.timedelta(days=10))
    request = rf.get("/")
    request.user = supervisor
    assert awaiting_panel(request)["value"] == 2 and overdue_panel(request)["value"] == 1
    request.user = moderator
    assert awaiting_panel(request) is None and overdue_panel(request) is None


def test_failed_generation_is_recorded_and_can_be_regenerated(run_jobs, supervisor, monkeypatch, report_files):
    from reports import sections

    def broken(report):
        raise RuntimeError("database went away")
        yield  # pragma: no cover

    monkeypatch.setitem(sections.BUILDERS, "periodic", [broken])
    today = timezone.localdate()
    # The job raises (RQ records the failure); the report says so.
    run_jobs(services.report_create_periodic, actor=supervisor, period_kind="month", year=today.year,
             number=today.month)
    report = RegulatorReport.objects.get()
    assert report.status == "failed" and report.error == "RuntimeError" and not report.data_path
    assert "report.generation_failed" in _events(report)
    monkeypatch.undo()
    first = run_jobs(services.report_regenerate, actor=supervisor, report=report)
    first.refresh_from_db()
    assert first.status == "draft" and first.data_path
    old_path = report_files / first.data_path
    run_jobs(services.report_regenerate, actor=supervisor, report=first)
    first.refresh_from_db()
    assert first.status == "draft" and not old_path.exists() and (report_files / first.data_path).is_file()
    assert _events(first).count("report.regenerated") == 2
