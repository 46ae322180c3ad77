"""Recheck runs (Art 15): start, plan into primary-key chunks, pause, resume, cancel, finish, and
the sweep that queues again the chunks whose worker vanished (or whose Redis job was lost).

A run's truth is in PostgreSQL: the chunks and their statuses. Redis only carries the jobs, so
a Redis restart or a killed worker costs a re-queue, never a result."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label_for, record
from core.errors import ServiceError
from rechecks import conf, scopes
from rechecks.choices import ACTIVE_RUN_STATUSES, RUN_TRANSITIONS, ChunkStatus, RunStatus
from rechecks.models import RecheckChunk, RecheckRun

MANAGE = "rechecks.manage_recheckrun"


def require_manager(actor) -> None:
    """Starting, pausing, resuming and cancelling is for supervisors (and the system: ``None`` —
    cron, the management command, an import)."""
    if actor is not None and not actor.has_perm(MANAGE):
        raise ServiceError(_("只有审核主管可以发起、暂停、继续或取消动态核验"), code="forbidden", status=403)


def _user(actor):
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def explicit_scope(account_ids) -> str:
    """The scope key of an explicit list of accounts (the same list gives the same key)."""
    ids = sorted(set(int(i) for i in account_ids))
    return "accounts:" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]


def recheck_start(*, actor, scope: str, account_ids=None, join: bool = False, note: str = "") -> RecheckRun:
    """Start a run for ``scope`` (or for ``account_ids``). Only one active run per scope: a second
    request is refused with the running one named, or joins it (``join=True``: cron, imports)."""
    require_manager(actor)
    if account_ids is not None:
        scope, label = explicit_scope(account_ids), _("指定的 %(n)s 个账号") % {"n": len(set(account_ids))}
    else:
        scope, label = scopes.parse(scope)
    try:
        with transaction.atomic():
            run = RecheckRun.objects.create(scope=scope, scope_label=label, started_by=_user(actor),
                                            started_by_label=actor_label_for(actor), note=note[:300])
            record("recheck.started", actor=actor, subject=run, new={"scope": scope, "note": note[:300]})
            from core.jobs import enqueue

            if account_ids is not None:
                plan(run, ids=sorted(set(int(i) for i in account_ids)))
            else:
                enqueue("rechecks.jobs.plan_run", run.pk, queue=conf.get("queue"))
            return run
    except IntegrityError:
        active = RecheckRun.objects.filter(scope=scope, status__in=ACTIVE_RUN_STATUSES).first()
        if active is None:
            raise
        if join:
            return active
        raise ServiceError(_("范围「%(scope)s」已有进行中的核验 #%(id)s，请等待其完成或先取消")
                           % {"scope": label, "id": active.pk}, field="scope", code="run_active", status=409) from None


def _chunk_bounds(ids_iter, size: int):
    """Group ascending ids into (lo, hi, count, ids) ranges of ``size`` (one pass, no OFFSET)."""
    batch: list[int] = []
    for account_id in ids_iter:
        batch.append(account_id)
        if len(batch) == size:
            yield batch[0], batch[-1], batch
            batch = []
    if batch:
        yield batch[0], batch[-1], batch


@transaction.atomic
def plan(run: RecheckRun, *, ids: list[int] | None = None) -> RecheckRun:
    """Split the run into chunks by primary-key range (keyset: the ids are streamed once in
    order) and queue them. Idempotent: a planned run is only queued again."""
    run = RecheckRun.objects.select_for_update().get(pk=run.pk)
    if run.planned or run.status not in ACTIVE_RUN_STATUSES:
        return run
    explicit = ids if ids is not None else scopes.explicit_ids(run.scope)
    source = explicit if explicit is not None else (
        scopes.queryset(run.scope).order_by("id").values_list("id", flat=True).iterator(chunk_size=20000))
    chunks, total = [], 0
    for seq, (lo, hi, batch) in enumerate(_chunk_bounds(source, conf.get("chunk_size"))):
        chunks.append(RecheckChunk(run=run, seq=seq, lo=lo, hi=hi, planned=len(batch),
                                   ids=batch if explicit is not None else None))
        total += len(batch)
    RecheckChunk.objects.bulk_create(chunks, batch_size=2000)
    run.planned, run.total, run.chunks_total = True, total, len(chunks)
    if not chunks:
        run.status, run.finished_at = RunStatus.FINISHED, timezone.now()
    run.save()
    if run.status == RunStatus.RUNNING:
        queue_chunks(run)
    elif run.status == RunStatus.FINISHED:
        record("recheck.finished", actor=None, subject=run, new=_counts(run))
    return run


def queue_chunks(run: RecheckRun, chunk_ids=None, *, requeue: bool = False) -> int:
    """Queue the run's pending chunks (or ``chunk_ids``) as RQ jobs, after commit. Each queueing
    of a chunk has its own job id (``requeues`` counts them), so the sweep can ask Redis whether
    the job it last queued still exists."""
    from rechecks.queueing import chunk_job_id, enqueue_chunk

    qs = RecheckChunk.objects.filter(run=run, status=ChunkStatus.PENDING)
    if chunk_ids is not None:
        qs = RecheckChunk.objects.filter(pk__in=chunk_ids)
    ids = list(qs.order_by("seq").values_list("pk", flat=True))
    RecheckChunk.objects.filter(pk__in=ids).update(status=ChunkStatus.QUEUED, updated_at=timezone.now(),
                                                   requeues=F("requeues") + int(requeue))
    for pk, requeues in RecheckChunk.objects.filter(pk__in=ids).order_by("seq").values_list("pk", "requeues"):
        enqueue_chunk(pk, chunk_job_id(pk, requeues))
    return len(ids)


def _counts(run: RecheckRun) -> dict:
    return {"total": run.total, "checked": run.checked, "clean": run.clean, "flagged": run.flagged,
            "errors": run.errors, "cases_opened": run.cases_opened}


def _transition(actor, run: RecheckRun, new: str, event: str) -> RecheckRun:
    require_manager(actor)
    with transaction.atomic():
        run = RecheckRun.objects.select_for_update().get(pk=run.pk)
        if new not in RUN_TRANSITIONS[RunStatus(run.status)]:
            raise ServiceError(_("核验 #%(id)s 当前为「%(status)s」，不能执行此操作")
                               % {"id": run.pk, "status": run.get_status_display()}, field="status",
                               code="illegal_transition", status=409)
        old = run.status
        run.status = new
        if new == RunStatus.CANCELLED:
            run.finished_at = timezone.now()
            RecheckChunk.objects.filter(run=run, status__in=[ChunkStatus.PENDING, ChunkStatus.QUEUED]).update(
                status=ChunkStatus.CANCELLED, updated_at=timezone.now())
        run.save(update_fields=["status", "finished_at", "updated_at"])
        record(event, actor=actor, subject=run, old={"status": old}, new={"status": new, **_counts(run)})
        if new == RunStatus.RUNNING:
            if run.planned:
                queue_chunks(run)
            else:
                from core.jobs import enqueue

                enqueue("rechecks.jobs.plan_run", run.pk, queue=conf.get("queue"))
        return run


def recheck_pause(*, actor, run: RecheckRun) -> RecheckRun:
    """Pause: chunks already running finish; queued ones go back to pending when their job starts."""
    return _transition(actor, run, RunStatus.PAUSED, "recheck.paused")


def recheck_resume(*, actor, run: RecheckRun) -> RecheckRun:
    return _transition(actor, run, RunStatus.RUNNING, "recheck.resumed")


def recheck_cancel(*, actor, run: RecheckRun) -> RecheckRun:
    """Cancel: what was checked stays recorded; the rest is not checked."""
    return _transition(actor, run, RunStatus.CANCELLED, "recheck.cancelled")


def chunk_finished(run_id: int, *, checked: int, clean: int, flagged: int, errors: int, cases: int, suspended: int,
                   planned: int) -> RecheckRun:
    """Add a chunk's counts to its run (inside the chunk's transaction) and finish the run when
    it was the last chunk. ``total`` follows what was really checked (accounts added or closed in
    the range since planning), so the counters stay exact."""
    RecheckRun.objects.filter(pk=run_id).update(
        checked=F("checked") + checked, clean=F("clean") + clean, flagged=F("flagged") + flagged,
        errors=F("errors") + errors, cases_opened=F("cases_opened") + cases, suspended=F("suspended") + suspended,
        total=F("total") + (checked - planned), chunks_done=F("chunks_done") + 1, updated_at=timezone.now())
    run = RecheckRun.objects.select_for_update().get(pk=run_id)
    if run.chunks_done >= run.chunks_total and run.status == RunStatus.RUNNING:
        failed = RecheckChunk.objects.filter(run=run, status=ChunkStatus.FAILED).exists()
        run.status = RunStatus.FAILED if failed else RunStatus.FINISHED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at", "updated_at"])
        record("recheck.failed" if failed else "recheck.finished", actor=None, subject=run, new=_counts(run))
    return run


def requeue_stalled(now: dt.datetime | None = None) -> int:
    """The sweep: a chunk of a running run that has not moved for the lease time is queued again
    when no worker holds it (a chunk transaction keeps its row locked) and, if it is waiting in
    a queue, its job is gone from Redis (a restart, a lost job). Chunks planned but never queued
    are queued too, and a running run whose planning job was lost is planned again."""
    from core.jobs import job_has_ended, uses_rq

    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=conf.get("lease_seconds"))
    requeued = _replan_lost(stale)
    with transaction.atomic():
        stalled = RecheckChunk.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            run__status=RunStatus.RUNNING, status__in=[ChunkStatus.QUEUED, ChunkStatus.RUNNING, ChunkStatus.PENDING],
            updated_at__lt=stale).values_list("pk", "run_id", "status", "requeues")
        by_run: dict[int, list[int]] = {}
        for pk, run_id, status, requeues in stalled:
            if status == ChunkStatus.QUEUED and uses_rq() and not _job_gone(job_has_ended, pk, requeues):
                continue  # still waiting its turn in the queue
            by_run.setdefault(run_id, []).append(pk)
        for run_id, pks in by_run.items():
            requeued += queue_chunks(RecheckRun(pk=run_id), chunk_ids=pks, requeue=True)
    return requeued


def _replan_lost(stale: dt.datetime) -> int:
    """Runs still unplanned after the lease time (their plan job vanished with a Redis restart):
    queue the plan again. A run being planned holds its row lock and is skipped; planning is
    idempotent, so a duplicate plan job only finds the run planned."""
    from core.jobs import enqueue

    with transaction.atomic():
        lost = list(RecheckRun.objects.select_for_update(skip_locked=True).filter(
            status=RunStatus.RUNNING, planned=False, updated_at__lt=stale).values_list("pk", flat=True))
        for pk in lost:
            enqueue("rechecks.jobs.plan_run", pk, queue=conf.get("queue"))
        RecheckRun.objects.filter(pk__in=lost).update(updated_at=timezone.now())
    return len(lost)


def _job_gone(job_has_ended, pk: int, requeues: int) -> bool:
    from rechecks.queueing import chunk_job_id

    return job_has_ended(chunk_job_id(pk, requeues))
