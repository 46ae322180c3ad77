"""Recheck jobs (RQ). They take ids, load, and call a service.

Chunks are queued with their own job ids (``chunk_job_id``) so the sweep can ask Redis whether
the job it queued still exists; everything else goes through ``core.jobs.enqueue``."""

from __future__ import annotations

from django.db import transaction

from core import jobs as core_jobs
from core.jobruns import job_run
from rechecks import conf


def chunk_job_id(chunk_id: int, requeues: int) -> str:
    return f"recheck-chunk-{chunk_id}-q{requeues}"


def enqueue_chunk(chunk_id: int, job_id: str) -> None:
    """Queue one chunk after commit (in-process without Redis, like core.jobs.enqueue)."""
    queue = conf.get("queue")
    if not core_jobs.uses_rq():
        core_jobs.enqueue("rechecks.jobs.process_chunk", chunk_id, queue=queue)
        return

    def submit():
        import django_rq

        django_rq.get_queue(queue).enqueue(core_jobs.run_job, "rechecks.jobs.process_chunk", chunk_id, job_id=job_id,
                                           job_timeout=conf.get("lease_seconds") * 2)

    transaction.on_commit(submit, robust=True)


def process_chunk(chunk_id: int) -> str:
    from rechecks.services.chunks import chunk_process

    return chunk_process(chunk_id, job_id=core_jobs.current_job_id())


def plan_run(run_id: int) -> None:
    from rechecks.models import RecheckRun
    from rechecks.services.runs import plan

    run = RecheckRun.objects.filter(pk=run_id).first()
    if run is not None:
        plan(run)


def sweep() -> dict:
    """Every few minutes: RQ registry maintenance (abandoned jobs of dead workers), stalled or
    lost chunks queued again, overdue correction deadlines proposed for closing."""
    from rechecks.services.corrections import sweep_overdue
    from rechecks.services.runs import requeue_stalled

    with job_run("recheck_sweep") as (counts, _errors):
        counts["abandoned_jobs"] += len(core_jobs.clean_abandoned())
        counts["chunks_requeued"] += requeue_stalled()
        counts["corrections_overdue"] += sweep_overdue()
        return dict(counts)


def nightly() -> None:
    """The rolling recheck: the slice of accounts checked longest ago (never checked first) so
    that every live account is checked at least once per ``cycle_days``."""
    from rechecks.services.runs import recheck_start

    recheck_start(actor=None, scope="rolling", join=True, note="nightly")
