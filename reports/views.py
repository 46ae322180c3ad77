"""Pages of the reports app: list exports, 我的导出, regulator reports and their workflow.

Files (exports, report files) are served only here, after a permission check — never from
/media/. Views are thin: every rule is in ``reports.services``.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError
from core.registry import registry
from reports import conf, exporting, forms, rendering, selectors, services
from reports.choices import (
    FROZEN_STATUSES,
    IDENTITY_KINDS,
    ExportStatus,
    FileFormat,
    ReportKind,
    ReportStatus,
)
from reports.models import Export, ReportFile

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {FileFormat.CSV: "text/csv; charset=utf-8", FileFormat.XLSX: XLSX_TYPE,
                 FileFormat.HTML: "text/html; charset=utf-8"}


def _refuse(exc: ServiceError):
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise Http404(exc.message)


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# List exports


@require_GET
def export_list_view(request, key):
    """Export one list with exactly the filter and sort of the page the link came from."""
    fmt = request.GET.get("format", "")
    try:
        export, tbl = services.export_request(actor=request.user, key=key, fmt=fmt, params=request.GET)
    except ServiceError as exc:
        _refuse(exc)
        spec = registry.exports.get(key)
        back = reverse(spec.list_url_name) if spec and spec.list_url_name else reverse("dashboard")
        return render(request, "reports/export_refused.html", {"title": _("无法导出"), "message": exc.message,
                                                               "back": back}, status=exc.status)
    if tbl is None:
        messages.info(request, _("「%(title)s」数据较多，正在后台生成；完成后可在此下载。") % {"title": export.title})
        return redirect("reports:my_exports")
    filename = f"{export.title}-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.{fmt}"
    response = _generated(fmt, lambda: exporting.csv_bytes(tbl), lambda out: exporting.write_xlsx(tbl, out))
    return _attachment(response, filename)


def _generated(fmt, csv_chunks, write_xlsx):
    """CSV streams while it is written; openpyxl zips an XLSX on save, so that is written to an
    anonymous temporary file (disk, not memory) and streamed from there."""
    if fmt == FileFormat.CSV:
        return StreamingHttpResponse(csv_chunks(), content_type=CONTENT_TYPES[fmt])
    tmp = tempfile.TemporaryFile()
    write_xlsx(tmp)
    tmp.seek(0)
    return FileResponse(tmp, content_type=XLSX_TYPE)


@permission_required("reports.view_export", raise_exception=True)
def my_exports(request):
    exports = list(selectors.export_list(user=request.user)[:100])
    running = [e for e in exports if e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)]
    now = timezone.now()
    rows = [{"export": e, "progress": services.export_progress(e), "total": services.export_total(e),
             "downloadable": e.status == ExportStatus.DONE and e.expires_at and e.expires_at > now}
            for e in exports]
    template = "reports/partials/export_rows.html" if getattr(request, "htmx", False) else "reports/my_exports.html"
    response = render(request, template, {"rows": rows, "polling": bool(running), "title": _("我的导出")})
    return response


@permission_required("reports.view_export", raise_exception=True)
def export_download(request, pk):
    export = get_object_or_404(Export, pk=pk)
    try:
        path = services.export_download(actor=request.user, export=export)
    except ServiceError as exc:
        _refuse(exc)
        messages.error(request, exc.message)
        return redirect("reports:my_exports")
    filename = f"{export.title}-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.{export.format}"
    return _attachment(FileResponse(open(path, "rb"), content_type=CONTENT_TYPES[export.format]), filename)  # noqa: SIM115


# ---------------------------------------------------------------------------------------------
# Reports


@permission_required("reports.view_regulatorreport", raise_exception=True)
def report_list(request):
    reports = list(selectors.report_list(user=request.user)[:200])
    return render(request, "reports/report_list.html", {
        "reports": reports, "title": _("监管报告"),
        "can_create": request.user.has_perm("reports.add_regulatorreport"),
        "awaiting": selectors.awaiting_measures().count(), "overdue": selectors.overdue_measures().count(),
    })


def _new_context(request, **forms_):
    awaiting = list(selectors.awaiting_measures().select_related("account")[:300])
    due = {m.pk: selectors.report_due_at(m) for m in awaiting}
    return {
        "title": _("新建监管报告"),
        "periodic_form": forms_.get("periodic") or forms.PeriodicForm(prefix="periodic"),
        "incident_form": forms_.get("incident") or forms.IncidentForm(prefix="incident", measures=awaiting),
        "inspection_form": forms_.get("inspection") or forms.InspectionForm(prefix="inspection"),
        "awaiting": [{"m": m, "due": due[m.pk], "overdue": due[m.pk] and due[m.pk] < timezone.now(),
                      "today": timezone.localtime(m.effective_from).date() == timezone.localdate()}
                     for m in awaiting],
        "identity_kinds": IDENTITY_KINDS,
    }


@permission_required("reports.add_regulatorreport", raise_exception=True)
def report_new(request):
    if request.method != "POST":
        return render(request, "reports/report_new.html", _new_context(request))
    kind = request.POST.get("kind")
    awaiting = list(selectors.awaiting_measures()[:300])
    form = {
        ReportKind.PERIODIC: lambda: forms.PeriodicForm(request.POST, prefix="periodic"),
        ReportKind.INCIDENT: lambda: forms.IncidentForm(request.POST, prefix="incident", measures=awaiting),
        ReportKind.INSPECTION: lambda: forms.InspectionForm(request.POST, prefix="inspection"),
    }.get(kind)
    if form is None:
        raise Http404
    form = form()
    if form.is_valid():
        d = form.cleaned_data
        try:
            if kind == ReportKind.PERIODIC:
                report = services.report_create_periodic(actor=request.user, period_kind=d["period_kind"],
                                                         year=d["year"], number=d["number"])
            elif kind == ReportKind.INCIDENT:
                report = services.report_create_incident(actor=request.user, measure_ids=d["measures"],
                                                         title=d["title"], include_identities=d["include_identities"])
            else:
                report = services.report_create_inspection(actor=request.user, start=d["start"], end=d["end"],
                                                           uid=d["uid"], records=d["records"])
        except ServiceError as exc:
            _refuse(exc)
            forms.attach_error(form, exc)
        else:
            messages.success(request, _("已开始生成 %(label)s") % {"label": report.label})
            return redirect("reports:report_detail", pk=report.pk)
    return render(request, "reports/report_new.html", _new_context(request, **{kind: form}), status=422)


def _detail_context(request, report, **extra):
    user = request.user
    files = {f.format: f for f in report.files.all()}
    preview = []
    if report.data_path and report.status not in (ReportStatus.GENERATING, ReportStatus.FAILED):
        from reports.sections.base import read_sections

        try:
            for section in read_sections(conf.file_root() / report.data_path):
                rows = []
                for row in section.rows:
                    if len(rows) >= 20:
                        break
                    rows.append([v.masked if hasattr(v, "masked") else v for v in row])
                preview.append({"title": section.title, "headers": section.headers, "rows": rows,
                                "total": report.section_rows.get(section.key, len(rows)), "note": section.note})
        except FileNotFoundError:
            preview = None
    history = record_history(report)
    is_author = user.pk in (report.created_by_id, report.reviewed_by_id)
    ctx = {
        "report": report, "title": report.label, "files": files, "preview": preview, "history": history,
        "progress": services.progress(report), "frozen": report.status in FROZEN_STATUSES,
        "busy": report.status == ReportStatus.GENERATING or (report.status in FROZEN_STATUSES and not files),
        "can_edit": user.has_perm("reports.change_regulatorreport") and report.status == ReportStatus.DRAFT,
        "can_request": user.has_perm("reports.change_regulatorreport") and report.status == ReportStatus.DRAFT,
        "can_regenerate": user.has_perm("reports.change_regulatorreport")
        and report.status in (ReportStatus.DRAFT, ReportStatus.FAILED),
        "can_approve": user.has_perm("reports.approve_report") and report.status == ReportStatus.PENDING_APPROVAL,
        "approver_is_author": is_author,
        "can_submit": user.has_perm("reports.submit_report") and report.status == ReportStatus.APPROVED,
        "can_correct": user.has_perm("reports.add_regulatorreport") and report.status == ReportStatus.SUBMITTED
        and not report.corrections.exists(),
        "corrections": list(report.corrections.all()),
        "edit_form": forms.ReportEditForm(instance=report),
        "return_form": forms.ReasonForm(),
        "approve_form": forms.ApproveForm(),
        "submit_form": forms.SubmitForm(),
        "measure_count": len(report.params.get("measure_ids") or []),
    }
    ctx.update(extra)
    return ctx


def record_history(report):
    from core.models import AuditEntry

    return list(AuditEntry.objects.filter(subject_type="reports.regulatorreport", subject_id=str(report.pk))
                .only("id", "created_at", "actor_label", "event", "new").order_by("id")[:100])


@permission_required("reports.view_regulatorreport", raise_exception=True)
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


@permission_required("reports.view_regulatorreport", raise_exception=True)
def report_status(request, pk):
    """htmx: the status block, polled while the report is being generated or rendered."""
    report = selectors.report_get(user=request.user, pk=pk)
    busy = report.status == ReportStatus.GENERATING or (report.status in FROZEN_STATUSES and not report.files.exists())
    response = render(request, "reports/partials/report_status.html",
                      {"report": report, "progress": services.progress(report), "busy": busy})
    if not busy and request.GET.get("was") == "busy":
        response["HX-Refresh"] = "true"
    return response


def _action(request, pk, run, ok_message, form_class=None, form_key=None):
    report = selectors.report_get(user=request.user, pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return render(request, "reports/report_detail.html", _detail_context(request, report, **{form_key: form}),
                      status=422)
    try:
        run(report, form.cleaned_data if form is not None else {})
    except ServiceError as exc:
        _refuse(exc)
        if form is not None and exc.field in form.fields:
            forms.attach_error(form, exc)
            return render(request, "reports/report_detail.html",
                          _detail_context(request, report, **{form_key: form}), status=exc.status)
        messages.error(request, exc.message)
    else:
        messages.success(request, ok_message)
    return redirect("reports:report_detail", pk=pk)


@require_POST
@permission_required("reports.change_regulatorreport", raise_exception=True)
def report_edit(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    form = forms.ReportEditForm(request.POST, instance=report)
    if form.is_valid():
        try:
            services.report_edit(actor=request.user, report=report,
                                 **{f: form.cleaned_data[f] for f in forms.ReportEditForm.Meta.fields})
        except ServiceError as exc:
            _refuse(exc)
            forms.attach_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("reports:report_detail", pk=pk)
    report.refresh_from_db()
    return render(request, "reports/report_detail.html", _detail_context(request, report, edit_form=form), status=422)


@require_POST
@permission_required("reports.change_regulatorreport", raise_exception=True)
def report_request_approval(request, pk):
    return _action(request, pk, lambda r, d: services.report_request_approval(actor=request.user, report=r),
                   _("已提请另一位主管批准"))


@require_POST
@permission_required("reports.change_regulatorreport", raise_exception=True)
def report_regenerate(request, pk):
    return _action(request, pk, lambda r, d: services.report_regenerate(actor=request.user, report=r),
                   _("已开始重新生成"))


@require_POST
@permission_required("reports.approve_report", raise_exception=True)
def report_return(request, pk):
    return _action(request, pk, lambda r, d: services.report_return(actor=request.user, report=r, reason=d["reason"]),
                   _("已退回修改"), forms.ReasonForm, "return_form")


@require_POST
@permission_required("reports.approve_report", raise_exception=True)
def report_approve(request, pk):
    return _action(request, pk, lambda r, d: services.report_approve(
        actor=request.user, report=r, confirm_identities=d["confirm_identities"]),
        _("已批准；正式文件生成后即可下载和登记报送"), forms.ApproveForm, "approve_form")


@require_POST
@permission_required("reports.submit_report", raise_exception=True)
def report_submit(request, pk):
    return _action(request, pk, lambda r, d: services.report_submit(
        actor=request.user, report=r, channel=d["channel"], reference=d["reference"],
        submitted_on=d["submitted_on"], person=d["person"]), _("已登记报送，报告已锁定"), forms.SubmitForm, "submit_form")


@require_POST
@permission_required("reports.add_regulatorreport", raise_exception=True)
def report_correct(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        new = services.report_correct(actor=request.user, report=report)
    except ServiceError as exc:
        _refuse(exc)
        messages.error(request, exc.message)
        return redirect("reports:report_detail", pk=pk)
    messages.success(request, _("已创建更正版本 %(label)s") % {"label": new.label})
    return redirect("reports:report_detail", pk=new.pk)


def _stored(report, fmt) -> ReportFile | None:
    if report.status not in FROZEN_STATUSES:
        return None
    f = report.files.filter(format=fmt).first()
    if f is None:
        raise Http404(_("正式文件尚在生成"))
    return f


@permission_required("reports.view_regulatorreport", raise_exception=True)
def report_download(request, pk, fmt):
    report = selectors.report_get(user=request.user, pk=pk)
    if fmt not in (FileFormat.XLSX, FileFormat.CSV) or not report.data_path:
        raise Http404
    stored = _stored(report, fmt)
    _record_download(request.user, report, fmt, stored)
    name = f"{report.number}-v{report.version}{'' if stored else '-草稿'}.{fmt}"
    if stored is not None:
        response = FileResponse(open(conf.file_root() / stored.path, "rb"), content_type=CONTENT_TYPES[fmt])  # noqa: SIM115
        response["X-Content-SHA256"] = stored.sha256
    else:
        response = _generated(fmt, lambda: rendering.csv_chunks(report), lambda out: rendering.render_xlsx(report, out))
    return _attachment(response, name)


def _record_download(user, report, fmt, stored) -> None:
    services.report_record_download(actor=user, report=report, fmt=fmt, stored=stored)


@permission_required("reports.view_regulatorreport", raise_exception=True)
def report_print(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    if not report.data_path:
        raise Http404
    stored = _stored(report, FileFormat.HTML)
    _record_download(request.user, report, FileFormat.HTML, stored)
    if stored is not None:
        html = (conf.file_root() / stored.path).read_text(encoding="utf-8")
    else:
        html = rendering.render_html(report)
    response = HttpResponse(html, content_type=CONTENT_TYPES[FileFormat.HTML])
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("reports.view_regulatorreport", raise_exception=True)
def awaiting_measures(request):
    """Reportable measures not yet in a submitted report, with their reporting deadline."""
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.overdue_measures() if overdue else selectors.awaiting_measures()
    measures = list(qs.select_related("account")[:500])
    now = timezone.now()
    reports = selectors.in_reports(m.pk for m in measures)
    rows = [{"m": m, "due": selectors.report_due_at(m), "reports": reports.get(m.pk, [])} for m in measures]
    for row in rows:
        row["overdue"] = row["due"] is not None and row["due"] < now
    return render(request, "reports/awaiting_measures.html", {
        "rows": rows, "overdue_only": overdue, "title": _("待报告的处置措施"),
        "deadline_days": selectors.deadline_days(),
        "can_create": request.user.has_perm("reports.add_regulatorreport"),
    })
