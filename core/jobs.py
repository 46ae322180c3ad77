"""The job adapter: run work on RQ when Redis is configured, in-process otherwise.

Services call ``enqueue("app.jobs.func", id, ...)`` inside their transaction; the job is handed
to RQ only after commit (so a worker never sees uncommitted rows, and a rolled-back change never
sends anything). Without ``REDIS_URL`` (the embedded ``make run`` mode) the same function runs
in-process right after commit. Job functions take ids, load, and call a service.

Why not Django's own ``django.tasks`` (checked 2026-12 with Django 6.1.3): its API is the same
shape (tasks by module path, named queues, an immediate backend), but Django ships no backend
that runs work in another process, and the RQ backend that exists, ``django-tasks-rq`` 0.12.0
(2026-02), does run a ``django.tasks`` task on an RQ worker under Django 6.1 (tried) but does
not carry what this adapter gives the call sites:

* retries — ``django.tasks`` has no retry option and the backend creates RQ jobs without
  ``Retry``; complaint feedback notices (``retry=(60, 300, 1800)``) would be tried once;
* enqueue on commit — Django 6.1's ``django.tasks`` has none (callers would wrap every
  ``enqueue`` in ``transaction.on_commit`` again, as here), and its ``ImmediateBackend`` runs the
  task inside ``enqueue``, i.e. before commit, where our embedded mode runs it after commit;
* the job context — every job runs under ``context.execution("job")`` so its audit entries say
  ``source="job"``; with ``django.tasks`` that needs a wrapper task anyway;
* it is built on the ``django-tasks`` backport package (its own ``Task``/``TaskResult`` classes
  beside Django's), declares support up to Django 6.0, pulls in ``rq-scheduler``, and needs every
  worker started with ``--job-class django_tasks_rq.Job``.

Adopting it would therefore change behaviour at the call sites (lost retries) for no gain; the
adapter stays, and keeps the same names (``enqueue``, queues by name) so a later move is small.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import context
from core.resilience import breaker, redis_errors
from core.resilience import log as resilience_log

log = logging.getLogger(__name__)

QUEUES = ("high", "default", "low")


def _resolve(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_job(path: str, *args: Any, **kwargs: Any) -> Any:
    """Entry point every enqueued job goes through: sets the job context for audit and logs."""
    with context.execution("job"):
        return _resolve(path)(*args, **kwargs)


def uses_rq() -> bool:
    return bool(settings.REDIS_URL)


_connections: dict[str, Any] = {}


def rq_connection():
    """A Redis connection for handing jobs to RQ from web processes, with the short connect and
    socket timeouts of ``settings.REDIS_OPTIONS`` (a dead Redis costs a request milliseconds)."""
    url = settings.REDIS_URL
    conn = _connections.get(url)
    if conn is None:
        import redis

        conn = _connections[url] = redis.Redis.from_url(url, **settings.REDIS_OPTIONS)
    return conn


def rq_queue(name: str):
    from rq import Queue

    return Queue(name, connection=rq_connection(), is_async=not settings.JOBS_SYNC, default_timeout=600)


def rq_submit(queue, row) -> None:
    """Give a recorded job (``PendingJob``) to RQ under the row's stable job id."""
    from rq import Retry

    options = {"retry": Retry(max=len(row.retry), interval=list(row.retry))} if row.retry else {}
    queue.enqueue(run_job, row.path, *row.args, job_id=row.rq_job_id, **row.kwargs, **options)


def _hand_over(row) -> None:
    """After commit: the recorded job goes to RQ and its row is dropped. While Redis fails (or the
    breaker is open after a recent failure) the row stays for ``sweep_pending``."""
    from core.models import PendingJob

    if not breaker.allow():
        return
    try:
        rq_submit(rq_queue(row.queue), row)
    except redis_errors() as exc:
        breaker.failure(exc, "job hand-over")
        PendingJob.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1, last_error=type(exc).__name__)
        return
    breaker.success()
    PendingJob.objects.filter(pk=row.pk).delete()


def _run_inline(path: str, args: tuple, kwargs: dict, queue: str, retry: tuple[int, ...] | None) -> None:
    if uses_rq():  # QINGLANG_JOBS_SYNC: RQ runs the job inline (tests)
        import django_rq
        from rq import Retry

        options = {"retry": Retry(max=len(retry), interval=list(retry))} if retry else {}
        django_rq.get_queue(queue).enqueue(run_job, path, *args, **kwargs, **options)
        return
    try:
        run_job(path, *args, **kwargs)
    except Exception:
        # In-process mode has no retry queue; the job's own records (e.g. delivery attempts)
        # say what failed, and the sweep that owns it picks it up again.
        log.exception("in-process job %s failed", path)


def enqueue(path: str, *args: Any, queue: str = "default", retry: tuple[int, ...] | None = None,
            **kwargs: Any) -> None:
    """Run ``path(*args, **kwargs)`` after the current transaction commits (or now, outside one).

    With RQ, the job is first recorded in PostgreSQL (``PendingJob``, in the caller's
    transaction) and handed to RQ after commit; a job Redis could not take stays recorded and
    ``sweep_pending`` hands it over later. Arguments must be JSON values (ids)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if uses_rq() and not settings.JOBS_SYNC:
        from core.models import PendingJob

        row = PendingJob.objects.create(path=path, args=list(args), kwargs=kwargs, queue=queue,
                                        retry=list(retry or ()))
        transaction.on_commit(lambda: _hand_over(row), robust=True)
        return
    transaction.on_commit(lambda: _run_inline(path, args, kwargs, queue, retry), robust=True)


def enqueue_in(seconds: float, path: str, *args: Any, queue: str = "default", **kwargs: Any) -> None:
    """Run ``path(*args)`` about ``seconds`` from now, on a worker started ``--with-scheduler``.

    Booked after the current transaction commits. Without an asynchronous RQ (the embedded mode,
    or tests running jobs inline) nothing is booked: the sweep that owns the work is the only
    clock there. Nothing is recorded here either: callers keep the due time in their own row
    (a webhook delivery's ``next_attempt_at``) and their sweep queues what a lost booking missed.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if not uses_rq() or settings.JOBS_SYNC:
        return

    def book():
        if not breaker.allow():
            return
        try:
            rq_queue(queue).enqueue_in(dt.timedelta(seconds=seconds), run_job, path, *args, **kwargs)
        except redis_errors() as exc:
            breaker.failure(exc, "booking a delayed job")
            return
        breaker.success()

    transaction.on_commit(book, robust=True)


def current_job_id() -> str:
    """The id of the RQ job running this code ("" outside one)."""
    if not uses_rq():
        return ""
    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else ""


def job_has_ended(job_id: str) -> bool:
    """Whether an RQ job is over (finished, failed, stopped, cancelled, or gone from Redis): work
    it recorded as started and never finished died with it. A started job whose worker vanished
    counts once RQ's registry maintenance (``clean_abandoned``) has moved it to failed."""
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        status = Job.fetch(job_id, connection=django_rq.get_connection(QUEUES[0])).get_status()
    except NoSuchJobError:
        return True
    return status not in (JobStatus.STARTED, JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def clean_abandoned() -> list[str]:
    """RQ registry maintenance: jobs whose worker died mid-job (still "started" past their
    timeout) move to the failed registry, dead workers leave the worker registry. Returns what
    each abandoned job was (``path args``), for the sweep's record and the log."""
    if not uses_rq():
        return []
    import django_rq
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry, clean_registries
    from rq.worker_registration import clean_worker_registry

    abandoned = []
    for name in QUEUES:
        queue = django_rq.get_queue(name)
        started = StartedJobRegistry(queue=queue)
        for job in Job.fetch_many(started.get_expired_job_ids(), connection=queue.connection):
            if job is not None and job.get_status(refresh=False) == JobStatus.STARTED:
                described = " ".join(str(a) for a in job.args)[:200]
                abandoned.append(f"{name}: {described}")
                log.warning("abandoned job %s on queue %s: %s", job.id, name, described)
        clean_registries(queue)
        clean_worker_registry(queue)
    return abandoned


def flush_pending_jobs(*, older_than: float = 0.0, limit: int = 1000) -> dict:
    """Hand recorded jobs to RQ (skipping those RQ already holds), oldest first; each row is
    locked while it is handed over, so two sweeps never both send one. Stops at the first Redis
    error (the rest stay recorded for the next sweep)."""
    from core.models import PendingJob

    counts = {"enqueued": 0, "already_queued": 0}
    cutoff = timezone.now() - dt.timedelta(seconds=older_than)
    failed = False
    while not failed and counts["enqueued"] + counts["already_queued"] < limit:
        with transaction.atomic():
            rows = list(PendingJob.objects.select_for_update(skip_locked=True)
                        .filter(created_at__lte=cutoff).order_by("id")[:200])
            if not rows:
                break
            done, failed = _hand_over_batch(rows, counts)
            PendingJob.objects.filter(pk__in=done).delete()
            PendingJob.objects.filter(pk__in=[r.pk for r in rows if r.pk not in done]).update(
                attempts=F("attempts") + 1, last_error=failed or "")
    counts["left"] = PendingJob.objects.count()
    return counts


def _hand_over_batch(rows, counts) -> tuple[set[int], str]:
    from rq.job import Job

    done: set[int] = set()
    for row in rows:
        try:
            queue = rq_queue(row.queue)
            if Job.exists(row.rq_job_id, connection=queue.connection):
                counts["already_queued"] += 1
            else:
                rq_submit(queue, row)
                counts["enqueued"] += 1
        except redis_errors() as exc:
            breaker.failure(exc, "pending job sweep")
            return done, type(exc).__name__
        done.add(row.pk)
    breaker.success()
    return done, ""


def sweep_pending() -> dict:
    """Every minute (rqcron): hand over jobs that Redis could not take when they were made, and
    drop expired fallback rate counters. Idempotent."""
    from core.models import RateCounter

    # Rows younger than this are being handed over by the process that made them right now.
    counts = flush_pending_jobs(older_than=settings.PENDING_JOB_GRACE_SECONDS, limit=100_000)
    counts["rate_counters_dropped"] = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()[0]
    if counts["enqueued"] or counts["left"]:
        resilience_log.warning("pending jobs: %d handed to RQ, %d still waiting", counts["enqueued"], counts["left"])
    return counts
