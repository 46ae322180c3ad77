"""Bookkeeping for sweeps: each run is a JobRun row with counts and errors."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter

from django.utils import timezone

from core.models import JobRun

log = logging.getLogger(__name__)


@contextlib.contextmanager
def job_run(name: str):
    run = JobRun.objects.create(name=name)
    counts: Counter = Counter()
    errors: list[str] = []
    try:
        yield counts, errors
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        errors.append(f"{type(exc).__name__}: {exc}"[:500])
        raise
    else:
        run.status = JobRun.Status.SUCCEEDED if not errors else JobRun.Status.FAILED
    finally:
        run.counts = dict(counts)
        run.errors = errors[:100]
        run.finished_at = timezone.now()
        run.save()
        log.info("job %s finished: %s (%d errors)", name, dict(counts), len(errors))
