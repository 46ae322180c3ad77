"""The job adapter: run work on RQ when Redis is configured, in-process otherwise.

Services call ``enqueue("app.jobs.func", id, ...)`` inside their transaction; the job is handed
to RQ only after commit (so a worker never sees uncommitted rows, and a rolled-back change never
sends anything). Without ``REDIS_URL`` (the embedded ``make run`` mode) the same function runs
in-process right after commit. Job functions take ids, load, and call a service.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from core import context

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


def _submit(path: str, args: tuple, kwargs: dict, queue: str, retry: tuple[int, ...] | None) -> None:
    if uses_rq():
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
    """Run ``path(*args, **kwargs)`` after the current transaction commits (or now, outside one)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    transaction.on_commit(lambda: _submit(path, args, kwargs, queue, retry), robust=True)
