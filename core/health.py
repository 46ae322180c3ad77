"""What /healthz and the system status page report (issues 18 and 22)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def _database() -> str:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure here means "down", which is the answer
        return "down"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    from core.jobs import rq_connection
    from core.resilience import redis_errors

    try:
        rq_connection().ping()
        return "ok"
    except redis_errors():
        return "down"


def _pending_jobs() -> int | None:
    from core.models import PendingJob

    try:
        return PendingJob.objects.count()
    except Exception:  # noqa: BLE001 - the database check says why
        return None


def report() -> dict:
    """``status``: ok, degraded (Redis down: work waits in PostgreSQL) or error (database down)."""
    checks = {"database": _database(), "redis": _redis()}
    body = {"checks": checks}
    if checks["database"] == "ok":
        body["pending_jobs"] = _pending_jobs()
    if checks["database"] != "ok":
        body["status"] = "error"
    elif checks["redis"] == "down":
        body["status"] = "degraded"
    else:
        body["status"] = "ok"
    return body
