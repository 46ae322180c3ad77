"""Report and export settings with their defaults (override in settings as QINGLANG_REPORTS)."""

from pathlib import Path

from django.conf import settings

DEFAULTS = {
    # Art 17 及时报告: working days from a reportable measure taking effect to its report's submission.
    "reporting_deadline_working_days": 1,
    # A list export above this many rows runs as a job and is downloaded from 我的导出.
    "export_stream_max_rows": 10_000,
    # How long a finished export's download link works.
    "export_expiry_hours": 24,
    # Rows fetched from the database per round trip while exporting (server-side cursor).
    "export_chunk_rows": 2_000,
    # The printable view lists at most this many rows per section (the XLSX has them all).
    "print_max_rows": 2_000,
    # Report number prefix: QL-<kind>-<YYYYMM>-<nnnn>.
    "number_prefix": "QL",
}


def get(key: str):
    return getattr(settings, "QINGLANG_REPORTS", {}).get(key, DEFAULTS[key])


def file_root() -> Path:
    """Where report and export files live: outside MEDIA_ROOT, served only by permission-checked
    views (they hold records about many accounts)."""
    root = Path(getattr(settings, "QINGLANG_REPORTS_ROOT", "") or Path(settings.VAR_DIR) / "reports")
    root.mkdir(parents=True, exist_ok=True)
    return root
