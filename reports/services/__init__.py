"""Services of the reports app: list exports and the regulator-report workflow."""

from reports.services.exports import (
    export_download,
    export_progress,
    export_request,
    export_run,
    export_total,
    exports_expire,
)
from reports.services.reports import (
    content_digest,
    progress,
    report_approve,
    report_correct,
    report_create_incident,
    report_create_inspection,
    report_create_periodic,
    report_edit,
    report_generate,
    report_record_download,
    report_regenerate,
    report_render_files,
    report_request_approval,
    report_return,
    report_submit,
    submission_digest,
)

__all__ = [
    "content_digest", "export_download", "export_progress", "export_request", "export_run", "export_total",
    "exports_expire", "progress", "report_approve", "report_correct", "report_create_incident",
    "report_create_inspection", "report_create_periodic", "report_edit", "report_generate", "report_record_download", "report_regenerate",
    "report_render_files", "report_request_approval", "report_return", "report_submit", "submission_digest",
]
