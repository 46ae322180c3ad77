"""The sweep's RQ registry maintenance: a job whose worker died mid-job (still "started" past its
deadline) moves to the failed registry and is named in the sweep's record (issue 22)."""

from __future__ import annotations

import time

import django_rq
import pytest
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

from core.jobs import run_job
from core.models import JobRun
from core.webhooks import jobs


@pytest.mark.redis
def test_the_sweep_moves_an_abandoned_job_to_failed_and_names_it(db):
    queue = django_rq.get_queue("low", is_async=True)
    job = Job.create(run_job, args=("core.webhooks.jobs.deliver", 424242), connection=queue.connection, origin="low")
    job.set_status(JobStatus.STARTED)
    job.save()
    started = StartedJobRegistry(queue=queue)
    queue.connection.zadd(started.key, {f"{job.id}:exec-1": time.time() - 60})  # its worker stopped beating
    try:
        counts = jobs.sweep()
        assert counts["abandoned_jobs"] == 1
        assert job.id in FailedJobRegistry(queue=queue).get_job_ids()
        assert job.id not in started.get_job_ids()
        run = JobRun.objects.get(name="webhooks.sweep")
        assert run.errors == ["abandoned job: low: core.webhooks.jobs.deliver 424242"]
        assert jobs.sweep()["abandoned_jobs"] == 0  # once only
    finally:
        FailedJobRegistry(queue=queue).remove(job.id, delete_job=True)
