"""Jobs of the reports app: they take ids, load, and call a service."""

from __future__ import annotations

from reports.services import exports as export_services
from reports.services import reports as report_services


def export_run(export_id: int) -> None:
    export_services.export_run(export_id)


def report_generate(report_id: int) -> None:
    report_services.report_generate(report_id)


def report_render_files(report_id: int) -> None:
    report_services.report_render_files(report_id)


def expire_exports() -> int:
    return export_services.exports_expire()
