"""Appeal policy knobs with their defaults (override in settings as ``QINGLANG_APPEALS``)."""

from django.conf import settings

DEFAULTS = {
    # An appeal is filed within this many working days after the notice (core.workdays).
    "filing_working_days": 15,
    # The platform answers within this many working days after the appeal is filed.
    "answer_working_days": 15,
    "evidence_max_files": 3,
    "evidence_max_bytes": 5 * 1024 * 1024,
    "claim_minutes": 60,
    # Prefix of the signed link in notices ("https://qinglang.example.com"); "" gives a path.
    "public_base_url": "",
}


def get(key: str):
    return getattr(settings, "QINGLANG_APPEALS", {}).get(key, DEFAULTS[key])
