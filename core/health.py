"""What /healthz and the system status page report (issues 18 and 22).

``report()`` is the monitoring JSON: the database (the only thing whose loss makes it 503),
Redis, and — read from RQ's own registries in Redis — for each queue the workers with a recent
heartbeat, the depth, the age of the oldest queued job and the jobs failed in the last hour;
rqcron's schedulers (heartbeat) and when each schedule last enqueued; jobs waiting in PostgreSQL
because Redis could not take them; and each app's registered health checks.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import connection

from core.jobs import QUEUES, rq_connection
from core.registry import registry
from core.resilience import redis_errors

# An idle rq worker renews its heartbeat about every worker_ttl (420 s) minus 15 s.
WORKER_STALE_SECONDS = 480
CRON_STALE_SECONDS = 180  # rqcron beats at least once a minute
CRON_LATE_SECONDS = 300  # a schedule this far past its next run time is late


def _age(then: dt.datetime | float | None, now: float) -> int | None:
    if then is None:
        return None
    stamp = then.timestamp() if isinstance(then, dt.datetime) else then
    return max(0, round(now - stamp))


def _database() -> str:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure here means "down", which is the answer
        return "down"


def _queue(conn, name: str, now: float) -> dict:
    from rq import Queue, Worker
    from rq.defaults import DEFAULT_FAILURE_TTL
    from rq.registry import FailedJobRegistry

    queue = Queue(name, connection=conn)
    ages = [_age(w.last_heartbeat, now) for w in Worker.all(connection=conn, queue=queue) if w.last_heartbeat]
    alive = [a for a in ages if a <= WORKER_STALE_SECONDS]
    oldest = None
    first = queue.get_job_ids(0, 1)
    if first:
        job = queue.fetch_job(first[0])
        oldest = _age(job.enqueued_at, now) if job is not None and job.enqueued_at else None
    # Failed jobs are scored by when they expire (failure time + failure TTL, RQ's default here).
    failed = conn.zcount(FailedJobRegistry(queue=queue).key, now + DEFAULT_FAILURE_TTL - 3600, "+inf")
    return {"depth": queue.count, "workers": len(alive), "last_heartbeat_age_seconds": min(alive) if alive else None,
            "oldest_job_age_seconds": oldest, "failed_last_hour": failed}


def _cron(conn, now: float) -> dict:
    from rq import cron_job_registry
    from rq.cron import CronScheduler

    schedulers = CronScheduler.all(conn)
    beats = [_age(s.last_heartbeat, now) for s in schedulers]
    alive = [b for b in beats if b is not None and b <= CRON_STALE_SECONDS]
    schedules = {name.decode() if isinstance(name, bytes) else name: {"last_enqueued_age_seconds": _age(score, now)}
                 for name, score in conn.zrange(cron_job_registry.get_registry_key(), 0, -1, withscores=True)}
    for scheduler in schedulers:
        for job in scheduler.get_jobs():
            entry = schedules.setdefault(job.name, {"last_enqueued_age_seconds": _age(job.latest_enqueue_time, now)})
            entry["every"] = f"{job.interval}s" if job.interval else job.cron
            late = job.next_enqueue_time is not None and job.next_enqueue_time.year < 9999 \
                and now - job.next_enqueue_time.timestamp() > CRON_LATE_SECONDS
            entry["late"] = bool(late)
    return {"schedulers": len(alive), "last_heartbeat_age_seconds": min(alive) if alive else None,
            "schedules": dict(sorted(schedules.items()))}


def _rq_section(body: dict) -> None:
    now = time.time()
    conn = rq_connection()
    body["queues"] = {name: _queue(conn, name, now) for name in QUEUES}
    body["cron"] = _cron(conn, now)
    body["failed_jobs_last_hour"] = sum(q["failed_last_hour"] for q in body["queues"].values())
    body["checks"]["workers"] = "ok" if all(q["workers"] for q in body["queues"].values()) else "missing"
    body["checks"]["cron"] = "ok" if body["cron"]["schedulers"] else "missing"


def _pending(body: dict) -> None:
    from django.utils import timezone

    from core.models import PendingJob

    oldest = PendingJob.objects.order_by("id").values_list("created_at", flat=True).first()
    body["pending_jobs"] = PendingJob.objects.count()
    body["pending_jobs_oldest_age_seconds"] = _age(oldest, timezone.now().timestamp()) if oldest else None


def _extra(body: dict) -> None:
    for name, fn in sorted(registry.health_checks.items()):
        try:
            body.setdefault("apps", {})[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one app's check must not hide the others
            body.setdefault("apps", {})[name] = {"error": type(exc).__name__}


def report() -> dict:
    """``status``: ok; degraded (Redis down, no live worker on a queue, or no rqcron: work waits
    but nothing is lost); error (the database is down)."""
    body: dict = {"checks": {"database": _database(), "redis": "not_configured"}}
    if body["checks"]["database"] == "ok":
        _pending(body)
        _extra(body)
    if settings.REDIS_URL:
        try:
            rq_connection().ping()
            body["checks"]["redis"] = "ok"
            _rq_section(body)
        except redis_errors():
            body["checks"]["redis"] = "down"
    checks = body["checks"]
    if checks["database"] != "ok":
        body["status"] = "error"
    elif any(v not in ("ok", "not_configured") for v in checks.values()):
        body["status"] = "degraded"
    else:
        body["status"] = "ok"
    return body


def problems() -> list[str]:
    """Short machine keys for what stops background work: ``redis_down``, ``workers_missing``,
    ``cron_missing`` (Redis only, no database query: the dashboard asks on every visit, through
    a 30-second cache)."""
    if not settings.REDIS_URL:
        return []
    try:
        conn = rq_connection()
        conn.ping()
        now = time.time()
        found = []
        if not all(_queue(conn, name, now)["workers"] for name in QUEUES):
            found.append("workers_missing")
        if not _cron(conn, now)["schedulers"]:
            found.append("cron_missing")
        return found
    except redis_errors():
        return ["redis_down"]
