"""Regulator reports (Art 17 及时向网信等有关主管部门报告, Art 21 配合监督检查): the workflow.

create (a job generates the data, with progress) → draft: a supervisor reviews it, edits the
narrative and the contact block, and asks for approval → a *second* supervisor (neither the one
who generated it nor the one who asked) approves, confirming identity numbers where the kind
carries them → the files are rendered once and stored with their SHA-256 → the report is marked
submitted with channel, reference, date and person → immutable. A correction is a new version
that links to the report it replaces. Every step checks its own permission and transition and
writes its audit entry; ``verify_audit`` checks the stored files and rows against those entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label_for, record
from core.errors import ServiceError
from core.jobs import enqueue
from moderation.models import Measure
from reports import conf, rendering, selectors
from reports.choices import (
    IDENTITY_KINDS,
    REPORT_TRANSITIONS,
    FileFormat,
    PeriodKind,
    ReportKind,
    ReportStatus,
    SubmissionChannel,
)
from reports.models import RegulatorReport, ReportedMeasure, ReportFile
from reports.sections import inspection, sections_for
from reports.sections.base import write_data
from reports.sections.period import month_range, quarter_range

log = logging.getLogger(__name__)

KIND_CODES = {ReportKind.INCIDENT: "INC", ReportKind.PERIODIC: "PER", ReportKind.INSPECTION: "INS"}
CONTACT_FIELDS = ("narrative", "contact_name", "contact_title", "contact_phone", "contact_email")
MAX_INSPECTION_DAYS = 366


def _need(actor, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise ServiceError(message, code="forbidden", status=403)


def _move(report: RegulatorReport, to: str) -> str:
    old = report.status
    if to not in REPORT_TRANSITIONS[ReportStatus(old)]:
        raise ServiceError(_("报告当前为「%(status)s」，不能进行此操作") % {"status": report.get_status_display()},
                           code="illegal_transition", status=409)
    report.status = to
    return old


def _locked(report: RegulatorReport) -> RegulatorReport:
    return RegulatorReport.objects.select_for_update().get(pk=report.pk)


def progress(report: RegulatorReport) -> dict | None:
    """How far the generation job got: {"section", "rows"} (cache; None when not running)."""
    return cache.get(f"reports:report:{report.pk}:progress")


# ---------------------------------------------------------------------------------------------
# Create


def _create(*, actor, kind: str, title: str, start: dt.date | None, end: dt.date | None, params: dict,
            period_kind: str = "", include_identities: bool = False, replaces: RegulatorReport | None = None,
            measures=()) -> RegulatorReport:
    _need(actor, "reports.add_regulatorreport", _("没有生成监管报告的权限"))
    if include_identities and kind not in IDENTITY_KINDS:
        raise ServiceError(_("此类报告不包含完整证件号码"), field="include_identities")
    report = RegulatorReport.objects.create(
        number="pending", version=replaces.version + 1 if replaces else 1, replaces=replaces, kind=kind,
        title=title.strip()[:200], period_kind=period_kind, period_start=start, period_end=end, params=params,
        include_identities=include_identities, created_by=actor, created_by_label=actor_label_for(actor),
        narrative=replaces.narrative if replaces else "",
        **({f: getattr(replaces, f) for f in CONTACT_FIELDS[1:]} if replaces else {}),
    )
    if replaces is not None:
        report.number = replaces.number
    else:
        stamp = timezone.localdate().strftime("%Y%m")
        report.number = f"{conf.get('number_prefix')}-{KIND_CODES[kind]}-{stamp}-{report.pk:05d}"
    report.save(update_fields=["number"])
    ReportedMeasure.objects.bulk_create([ReportedMeasure(report=report, measure=m) for m in measures])
    record("report.created", actor=actor, subject=report, subject_label=report.label,
           new={"kind": kind, "title": report.title, "period": [str(start or ""), str(end or "")], "params": params,
                "include_identities": include_identities, "replaces": replaces.pk if replaces else None})
    enqueue("reports.jobs.report_generate", report.pk, queue="low")
    return report


@transaction.atomic
def report_create_periodic(*, actor, period_kind: str, year: int, number: int) -> RegulatorReport:
    """月报 / 季报 for a calendar month or quarter (``number`` is the month 1–12 or quarter 1–4)."""
    if period_kind == PeriodKind.MONTH:
        if not 1 <= number <= 12:
            raise ServiceError(_("月份须在 1–12 之间"), field="number")
        start, end = month_range(year, number)
        title = _("%(year)s年%(n)s月账号信息管理工作月报") % {"year": year, "n": number}
    elif period_kind == PeriodKind.QUARTER:
        if not 1 <= number <= 4:
            raise ServiceError(_("季度须在 1–4 之间"), field="number")
        start, end = quarter_range(year, number)
        title = _("%(year)s年第%(n)s季度账号信息管理工作季报") % {"year": year, "n": number}
    else:
        raise ServiceError(_("请选择月报或季报"), field="period_kind")
    if start > timezone.localdate():
        raise ServiceError(_("报告期间尚未开始"), field="number")
    return _create(actor=actor, kind=ReportKind.PERIODIC, title=title, start=start, end=end,
                   params={"period": period_kind, "year": year, "number": number}, period_kind=period_kind)


@transaction.atomic
def report_create_incident(*, actor, measure_ids, title: str = "", include_identities: bool = False
                           ) -> RegulatorReport:
    """专项报告 on reportable measures that took effect (e.g. today's closures and bans)."""
    ids = sorted({int(i) for i in measure_ids or ()})
    if not ids:
        raise ServiceError(_("请至少选择一项需报告的处置措施"), field="measures")
    measures = list(selectors.reportable_measures().filter(pk__in=ids).select_related("account"))
    missing = sorted(set(ids) - {m.pk for m in measures})
    if missing:
        raise ServiceError(_("以下措施不是已生效的需报告措施：%(ids)s") % {"ids": "、".join(map(str, missing))},
                           field="measures")
    days = sorted(timezone.localtime(m.effective_from).date() for m in measures)
    title = title.strip() or _("关于%(count)s起账号处置措施的专项报告") % {"count": len(measures)}
    return _create(actor=actor, kind=ReportKind.INCIDENT, title=title, start=days[0], end=days[-1],
                   params={"measure_ids": ids}, include_identities=include_identities, measures=measures)


@transaction.atomic
def report_create_inspection(*, actor, start: dt.date, end: dt.date, uid: str = "", records=()) -> RegulatorReport:
    """Art 21 检查数据包: the records of a date range (optionally of one account)."""
    if start is None or end is None or end < start:
        raise ServiceError(_("结束日期不能早于开始日期"), field="end")
    if (end - start).days >= MAX_INSPECTION_DAYS:
        raise ServiceError(_("检查数据包的期间最长一年"), field="end")
    known = dict(inspection.available())
    chosen = [k for k in records if k in known] or list(known)
    bad = [k for k in records if k not in known]
    if bad:
        raise ServiceError(_("未知的记录类型：%(keys)s") % {"keys": "、".join(bad)}, field="records")
    uid = (uid or "").strip()
    title = _("检查数据包（%(start)s 至 %(end)s）") % {"start": start, "end": end}
    if uid:
        title = f"{title} · {uid}"
    return _create(actor=actor, kind=ReportKind.INSPECTION, title=title, start=start, end=end,
                   params={"uid": uid, "records": chosen})


# ---------------------------------------------------------------------------------------------
# Generate (job)


def report_generate(report_id: int) -> RegulatorReport:
    """The job: build the sections into the data file, then open the draft for review."""
    report = RegulatorReport.objects.select_related("created_by", "replaces").get(pk=report_id)
    if report.status != ReportStatus.GENERATING:
        return report  # a retried job after success: nothing to do
    relative = f"reports/{report.number}/v{report.version}-{secrets.token_hex(6)}.jsonl"
    path = conf.file_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    key = f"reports:report:{report.pk}:progress"
    try:
        digest, counts = write_data(
            path, {"number": report.number, "version": report.version, "kind": report.kind},
            sections_for(report), progress=lambda section, rows: cache.set(key, {"section": section, "rows": rows}, 3600))
    except Exception as exc:
        path.unlink(missing_ok=True)
        log.exception("report %s generation failed", report.pk)
        with transaction.atomic():
            report = _locked(report)
            _move(report, ReportStatus.FAILED)
            report.error = f"{type(exc).__name__}"[:500]
            report.save(update_fields=["status", "error"])
            record("report.generation_failed", actor=None, subject=report, subject_label=report.label,
                   new={"error": type(exc).__name__})
        raise
    finally:
        cache.delete(key)
    with transaction.atomic():
        report = _locked(report)
        old_path = report.data_path
        _move(report, ReportStatus.DRAFT)
        report.data_path, report.data_sha256, report.section_rows = relative, digest, counts
        report.generated_at, report.error = timezone.now(), ""
        report.save(update_fields=["status", "data_path", "data_sha256", "section_rows", "generated_at", "error"])
        record("report.generated", actor=None, subject=report, subject_label=report.label,
               new={"data_sha256": digest, "rows": counts})
        if old_path:
            transaction.on_commit(lambda: (conf.file_root() / old_path).unlink(missing_ok=True))
    return report


@transaction.atomic
def report_regenerate(*, actor, report: RegulatorReport) -> RegulatorReport:
    """Read the records again (a draft, or a failed generation): the data file is replaced."""
    _need(actor, "reports.change_regulatorreport", _("没有修改监管报告的权限"))
    report = _locked(report)
    old = _move(report, ReportStatus.GENERATING)
    report.save(update_fields=["status"])
    record("report.regenerated", actor=actor, subject=report, subject_label=report.label,
           old={"status": old, "data_sha256": report.data_sha256})
    enqueue("reports.jobs.report_generate", report.pk, queue="low")
    return report


# ---------------------------------------------------------------------------------------------
# Review, approval, submission


@transaction.atomic
def report_edit(*, actor, report: RegulatorReport, **fields) -> RegulatorReport:
    """Edit the narrative and the contact block of a draft."""
    _need(actor, "reports.change_regulatorreport", _("没有修改监管报告的权限"))
    report = _locked(report)
    if report.status != ReportStatus.DRAFT:
        raise ServiceError(_("只有草稿可以修改"), code="illegal_transition", status=409)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ServiceError(_("不能修改：%(fields)s") % {"fields": "、".join(sorted(unknown))}, field=sorted(unknown)[0])
    old, new = {}, {}
    for name, value in fields.items():
        value = (value or "").strip()
        limit = RegulatorReport._meta.get_field(name).max_length
        if limit and len(value) > limit:
            raise ServiceError(_("内容过长（最多 %(n)s 字）") % {"n": limit}, field=name)
        if getattr(report, name) != value:
            old[name], new[name] = getattr(report, name), value
            setattr(report, name, value)
    if new:
        report.save(update_fields=list(new))
        record("report.edited", actor=actor, subject=report, subject_label=report.label, old=old, new=new)
    return report


@transaction.atomic
def report_request_approval(*, actor, report: RegulatorReport) -> RegulatorReport:
    _need(actor, "reports.change_regulatorreport", _("没有修改监管报告的权限"))
    report = _locked(report)
    if report.status == ReportStatus.DRAFT:
        if not report.contact_name or not (report.contact_phone or report.contact_email):
            raise ServiceError(_("请先填写联系人及联系电话或邮箱"), field="contact_name")
        if not report.narrative.strip():
            raise ServiceError(_("请先填写情况说明"), field="narrative")
    old = _move(report, ReportStatus.PENDING_APPROVAL)
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record("report.approval_requested", actor=actor, subject=report, subject_label=report.label,
           old={"status": old}, new={"status": report.status, "data_sha256": report.data_sha256})
    return report


def _second_supervisor(actor, report: RegulatorReport) -> None:
    _need(actor, "reports.approve_report", _("只有审核主管可以批准监管报告"))
    if actor.pk in (report.created_by_id, report.reviewed_by_id):
        raise ServiceError(_("须由生成和提请批准以外的另一位主管批准"), code="four_eyes", status=409)


@transaction.atomic
def report_return(*, actor, report: RegulatorReport, reason: str) -> RegulatorReport:
    """The approver sends the report back to draft, saying why."""
    report = _locked(report)
    _second_supervisor(actor, report)
    if len((reason or "").strip()) < 2:
        raise ServiceError(_("须填写退回理由"), field="reason")
    old = _move(report, ReportStatus.DRAFT)
    report.save(update_fields=["status"])
    record("report.returned", actor=actor, subject=report, subject_label=report.label, old={"status": old},
           new={"status": report.status, "reason": reason.strip()})
    return report


def content_digest(report: RegulatorReport) -> str:
    """SHA-256 of everything a report says, frozen at approval (checked by verify_audit)."""
    payload = [report.number, report.version, report.replaces_id, report.kind, report.title, report.period_kind,
               str(report.period_start or ""), str(report.period_end or ""), report.params, report.include_identities,
               report.identities_confirmed_by_id, *(getattr(report, f) for f in CONTACT_FIELDS),
               report.data_sha256, report.created_by_label, report.approved_by_id,
               report.approved_at.isoformat() if report.approved_at else ""]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def submission_digest(report: RegulatorReport) -> str:
    payload = [report.content_sha256, report.submission_channel, report.submission_reference,
               str(report.submission_date or ""), report.submission_person, report.submitted_by_id,
               report.submitted_at.isoformat() if report.submitted_at else ""]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def report_approve(*, actor, report: RegulatorReport, confirm_identities: bool = False) -> RegulatorReport:
    """Second-supervisor approval: the content is frozen and the files are rendered once."""
    report = _locked(report)
    _second_supervisor(actor, report)
    if report.include_identities and not confirm_identities:
        raise ServiceError(_("本报告包含完整证件号码：请确认确有必要，或退回修改"), field="confirm_identities")
    old = _move(report, ReportStatus.APPROVED)
    report.approved_by, report.approved_at = actor, timezone.now()
    if report.include_identities:
        report.identities_confirmed_by = actor
    report.content_sha256 = content_digest(report)
    report.save(update_fields=["status", "approved_by", "approved_at", "identities_confirmed_by", "content_sha256"])
    record("report.approved", actor=actor, subject=report, subject_label=report.label, old={"status": old},
           new={"status": report.status, "content_sha256": report.content_sha256, "data_sha256": report.data_sha256,
                "identities_confirmed": bool(report.include_identities)})
    enqueue("reports.jobs.report_render_files", report.pk, queue="low")
    return report


def report_render_files(report_id: int) -> RegulatorReport:
    """The job: render the approved report's files once and store them with their SHA-256."""
    report = RegulatorReport.objects.select_related("approved_by", "replaces").get(pk=report_id)
    if report.status not in (ReportStatus.APPROVED, ReportStatus.SUBMITTED) or report.files.exists():
        return report
    folder = conf.file_root() / "reports" / report.number / f"v{report.version}-{secrets.token_hex(6)}"
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in (FileFormat.XLSX, FileFormat.CSV, FileFormat.HTML):
        path = folder / f"{report.number}-v{report.version}.{fmt}"
        if fmt == FileFormat.XLSX:
            rendering.render_xlsx(report, str(path))
        elif fmt == FileFormat.CSV:
            with open(path, "wb") as out:
                for chunk in rendering.csv_chunks(report):
                    out.write(chunk)
        else:
            path.write_text(rendering.render_html(report), encoding="utf-8")
        from reports.exporting import sha256_file

        digest, size = sha256_file(path)
        written[fmt] = (str(path.relative_to(conf.file_root())), digest, size)
    with transaction.atomic():
        report = _locked(report)
        ReportFile.objects.bulk_create([ReportFile(report=report, format=fmt, path=p, sha256=d, size=s)
                                        for fmt, (p, d, s) in written.items()])
        record("report.files_stored", actor=None, subject=report, subject_label=report.label,
               new={"files": {fmt: {"sha256": d, "size": s} for fmt, (_p, d, s) in written.items()},
                    "content_sha256": report.content_sha256})
    return report


@transaction.atomic
def report_submit(*, actor, report: RegulatorReport, channel: str, reference: str, submitted_on: dt.date,
                  person: str) -> RegulatorReport:
    """Record that the approved report reached the regulator; from now on it is immutable."""
    _need(actor, "reports.submit_report", _("没有登记报送的权限"))
    report = _locked(report)
    if channel not in SubmissionChannel.values:
        raise ServiceError(_("请选择报送渠道"), field="channel")
    if len((reference or "").strip()) < 2:
        raise ServiceError(_("请填写报送回执编号或文号"), field="reference")
    if len((person or "").strip()) < 2:
        raise ServiceError(_("请填写报送人"), field="person")
    if submitted_on is None or submitted_on > timezone.localdate():
        raise ServiceError(_("报送日期不能晚于今天"), field="submitted_on")
    if report.approved_at and submitted_on < timezone.localdate(report.approved_at):
        raise ServiceError(_("报送日期不能早于批准日期"), field="submitted_on")
    if report.status == ReportStatus.APPROVED and not report.files.exists():
        raise ServiceError(_("报告文件尚在生成，请稍后再登记报送"), code="not_ready", status=409)
    old = _move(report, ReportStatus.SUBMITTED)
    report.submission_channel, report.submission_reference = channel, reference.strip()[:100]
    report.submission_date, report.submission_person = submitted_on, person.strip()[:50]
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["status", "submission_channel", "submission_reference", "submission_date",
                               "submission_person", "submitted_by", "submitted_at"])
    record("report.submitted", actor=actor, subject=report, subject_label=report.label, old={"status": old},
           new={"status": report.status, "channel": channel, "reference": report.submission_reference,
                "date": str(submitted_on), "person": report.submission_person,
                "submission_sha256": submission_digest(report), "content_sha256": report.content_sha256,
                "measures": list(ReportedMeasure.objects.filter(report=report).values_list("measure_id", flat=True))})
    return report


@transaction.atomic
def report_correct(*, actor, report: RegulatorReport) -> RegulatorReport:
    """A correction of a submitted report: a new version with the same number, generated afresh."""
    report = _locked(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ServiceError(_("只有已报送的报告需要更正；草稿可直接修改"), code="illegal_transition", status=409)
    if RegulatorReport.objects.filter(replaces=report).exists():
        raise ServiceError(_("该报告已有更正版本"), code="exists", status=409)
    measures = Measure.objects.filter(pk__in=ReportedMeasure.objects.filter(report=report).values("measure_id"))
    return _create(actor=actor, kind=report.kind, title=report.title, start=report.period_start,
                   end=report.period_end, params=report.params, period_kind=report.period_kind,
                   include_identities=report.include_identities, replaces=report, measures=list(measures))


@transaction.atomic
def report_record_download(*, actor, report: RegulatorReport, fmt: str, stored: ReportFile | None) -> None:
    """Who took a copy of which report file (a report can hold identity numbers): audited."""
    _need(actor, "reports.view_regulatorreport", _("没有查看监管报告的权限"))
    record("report.downloaded", actor=actor, subject=report, subject_label=report.label,
           new={"format": fmt, "draft": stored is None, "sha256": stored.sha256 if stored else None})
