"""Recheck jobs (RQ). They take ids, load, and call a service.

Chunks are queued by ``rechecks.queueing`` with their own job ids; everything else goes through
``core.jobs.enqueue``."""

from __future__ import annotations

from core import jobs as core_jobs
from core.jobruns import job_run


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
