"""Queueing a recheck chunk as its own RQ job, with a job id per queueing
(``recheck-chunk-<id>-q<requeues>``), so the sweep can ask Redis whether the job it last queued
still exists."""

from __future__ import annotations

from django.db import transaction

from core import jobs as core_jobs
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
        from django.conf import settings

        django_rq.get_queue(queue, is_async=not settings.JOBS_SYNC).enqueue(core_jobs.run_job, "rechecks.jobs.process_chunk", chunk_id, job_id=job_id,
                                           job_timeout=conf.get("job_timeout"))

    transaction.on_commit(submit, robust=True)
