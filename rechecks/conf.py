"""Recheck policy knobs with their defaults (override in settings as QINGLANG_RECHECKS)."""

from django.conf import settings

DEFAULTS = {
    # Accounts per chunk (one RQ job, one transaction of a few hundred milliseconds).
    "chunk_size": 1000,
    # RQ queue the chunks run on: "low", so registrations' own jobs go first.
    "queue": "low",
    # Art 15 correction deadline after a confirmed finding, in working days (core.workdays).
    "correction_working_days": 15,
    # The nightly rolling recheck covers every live account at least once per cycle.
    "cycle_days": 90,
    # A chunk whose worker vanished is queued again after this long without progress.
    "lease_seconds": 300,
    # RQ's own timeout for a chunk job (a chunk takes seconds; this only stops a hung one).
    "job_timeout": 1800,
    # A chunk started this often without finishing fails (its accounts count as errors).
    "max_attempts": 3,
    # Also decrypt and re-validate every stored identity number (Art 9) — for a run after the
    # validators changed. Off by default: it costs more than all other checks together
    # (phonenumbers' parse, carrier and region look-ups), and numbers were validated on entry.
    "validate_identity_numbers": False,
}


def get(key: str):
    return getattr(settings, "QINGLANG_RECHECKS", {}).get(key, DEFAULTS[key])
