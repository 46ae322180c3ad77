"""What ``verify_audit`` checks beyond the hash chain (registered in ``ReportsConfig.ready()``).

Approved and submitted reports are immutable: the audit entries written at approval, when the
files were stored and at submission carry SHA-256 digests of the report's content, its data
file, each stored file and the submission record. Those entries are themselves protected by the
chain, so an edited file, an edited report row or a status moved back is found here. Finished
exports' files are checked against the digest recorded when they were written.
"""

from __future__ import annotations

from core.models import AuditEntry
from reports import conf
from reports.choices import FROZEN_STATUSES, ExportStatus, ReportStatus
from reports.exporting import sha256_file
from reports.models import Export, RegulatorReport, ReportedMeasure
from reports.services.reports import content_digest, submission_digest

_EVENTS = ("report.approved", "report.files_stored", "report.submitted")


def _file_digest(relative: str) -> str | None:
    path = conf.file_root() / relative
    return sha256_file(path)[0] if relative and path.is_file() else None


def _latest_entries() -> dict[tuple[str, str], dict]:
    latest: dict[tuple[str, str], dict] = {}
    for subject_id, event, new in (AuditEntry.objects.filter(subject_type="reports.regulatorreport", event__in=_EVENTS)
                                   .order_by("id").values_list("subject_id", "event", "new")):
        latest[(subject_id, event)] = new or {}
    return latest


def check() -> tuple[int, list[str]]:
    problems: list[str] = []
    latest = _latest_entries()
    entries_for = {sid for sid, _e in latest}
    checked = 0
    reports = RegulatorReport.objects.filter(status__in=FROZEN_STATUSES) | RegulatorReport.objects.filter(
        pk__in=[int(s) for s in entries_for if s.isdigit()])
    for report in reports.distinct().prefetch_related("files").order_by("id"):
        checked += 1
        sid, label = str(report.pk), f"report {report.label} (#{report.pk})"
        approved = latest.get((sid, "report.approved"))
        if approved is None:
            problems.append(f"{label}: marked {report.status} without an approval entry")
            continue
        if report.status not in FROZEN_STATUSES:
            problems.append(f"{label}: approved, but its status was moved back to {report.status}")
        if content_digest(report) != report.content_sha256 or report.content_sha256 != approved.get("content_sha256"):
            problems.append(f"{label}: content changed after approval (row edited)")
        if report.data_sha256 != approved.get("data_sha256") or _file_digest(report.data_path) != report.data_sha256:
            problems.append(f"{label}: data file changed or missing")
        stored = (latest.get((sid, "report.files_stored")) or {}).get("files", {})
        files = {f.format: f for f in report.files.all()}
        for fmt in sorted(set(stored) | set(files)):
            f, recorded = files.get(fmt), stored.get(fmt, {}).get("sha256")
            if f is None or recorded is None or f.sha256 != recorded:
                problems.append(f"{label}: stored {fmt} file record does not match its audit entry")
            elif _file_digest(f.path) != f.sha256:
                problems.append(f"{label}: stored {fmt} file was changed or removed")
        submitted = latest.get((sid, "report.submitted"))
        if submitted is not None:
            if report.status != ReportStatus.SUBMITTED:
                problems.append(f"{label}: submitted, but its status was moved back to {report.status}")
            elif submission_digest(report) != submitted.get("submission_sha256"):
                problems.append(f"{label}: submission record changed after submission")
            linked = sorted(ReportedMeasure.objects.filter(report=report).values_list("measure_id", flat=True))
            if linked != sorted(submitted.get("measures") or []):
                problems.append(f"{label}: the measures it covers changed after submission")
        elif report.status == ReportStatus.SUBMITTED:
            problems.append(f"{label}: marked submitted without a submission entry")
    for export in Export.objects.filter(status=ExportStatus.DONE).exclude(path="").order_by("id"):
        checked += 1
        if _file_digest(export.path) != export.sha256:
            problems.append(f"export #{export.pk}: file changed or missing")
    return checked, problems
