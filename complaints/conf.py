"""Complaint settings with safe defaults (override in Django settings; tests and the bench do)."""

from django.conf import settings

DEFAULT_RATE_LIMITS = {
    # (max requests, window seconds) — fixed windows in the cache, keyed by keyed hashes only.
    "ip": [(5, 600), (20, 86_400)],
    "target": [(30, 3600)],
    "status_ip": [(30, 600)],
}


def rate_limits() -> dict:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "COMPLAINTS_RATE_LIMITS", {})}


def challenge_enabled() -> bool:
    """The public form's captcha (``complaints.captcha``); only a test/bench setting turns it off."""
    return getattr(settings, "COMPLAINTS_CHALLENGE", True)


def duplicate_window_days() -> int:
    return getattr(settings, "COMPLAINTS_DUPLICATE_WINDOW_DAYS", 7)


def evidence_max_bytes() -> int:
    return getattr(settings, "COMPLAINTS_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)


def evidence_max_files() -> int:
    return getattr(settings, "COMPLAINTS_EVIDENCE_MAX_FILES", 3)


def max_upload_bytes() -> int:
    """The largest multipart body a web page accepts: the evidence a complainant may attach plus
    room for the text fields. Only the complaint pages take uploads on the web side; bodies over
    this are refused before anything parses them."""
    default = evidence_max_files() * evidence_max_bytes() + 256 * 1024
    return getattr(settings, "COMPLAINTS_MAX_UPLOAD_BYTES", default)


def auto_close_days() -> int:
    """Calendar days after feedback (or rejection) before the sweep closes a complaint."""
    return getattr(settings, "COMPLAINTS_AUTO_CLOSE_DAYS", 7)
