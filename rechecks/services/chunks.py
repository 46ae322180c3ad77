"""One chunk of a recheck run: check its accounts and commit the results, the cases they open,
the accounts' ``last_rechecked_at`` and the run's counters in one transaction.

Idempotent: the chunk row stays locked while it is worked on, and a chunk already done is
skipped, so a retried job (a killed worker, a job queued twice) neither loses nor duplicates a
result or a case. A start is counted before the work, so a chunk that keeps killing its worker
fails after ``max_attempts`` instead of looping."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core.audit import record
from moderation.choices import OPEN_CASE_STATUSES, CaseReason
from moderation.models import ReviewCase
from moderation.services.cases import case_open
from rechecks import conf, scopes
from rechecks.choices import ChunkStatus, Outcome, RunStatus
from rechecks.models import RecheckChunk, RecheckCorrection, RecheckResult
from rechecks.services.checks import ACCOUNT_FIELDS, Checked, check_batch
from rechecks.services.corrections import immediate_articles, suspend_at_once
from rechecks.services.runs import chunk_finished

log = logging.getLogger(__name__)


def chunk_process(chunk_id: int, *, job_id: str = "") -> str:
    """Work one chunk (called by its RQ job). Returns what happened, for the job's result."""
    attempt = _lease(chunk_id, job_id)
    if not isinstance(attempt, int):
        return attempt
    with transaction.atomic():
        chunk = RecheckChunk.objects.select_for_update(of=("self",)).select_related("run").get(pk=chunk_id)
        if chunk.status != ChunkStatus.RUNNING or chunk.attempts != attempt:
            return "superseded"
        if chunk.run.status != RunStatus.RUNNING:
            _park(chunk)
            return chunk.status
        _work(chunk)
    return "done"


def _lease(chunk_id: int, job_id: str):
    """Count this start (committed at once, so a kill still counts it). Returns the attempt
    number, or why the chunk is not to be worked on now."""
    with transaction.atomic():
        chunk = (RecheckChunk.objects.select_for_update(skip_locked=True, of=("self",)).select_related("run")
                 .filter(pk=chunk_id).first())
        if chunk is None:
            return "busy"  # another worker holds it; it finishes it or, dying, leaves it to the sweep
        if chunk.status in (ChunkStatus.DONE, ChunkStatus.FAILED, ChunkStatus.CANCELLED):
            return "already " + chunk.status
        if chunk.run.status != RunStatus.RUNNING:
            _park(chunk)
            return chunk.status
        if chunk.attempts >= conf.get("max_attempts"):
            _fail(chunk)
            return "failed"
        chunk.attempts += 1
        chunk.status, chunk.job_id, chunk.updated_at = ChunkStatus.RUNNING, job_id[:80], timezone.now()
        chunk.save(update_fields=["attempts", "status", "job_id", "updated_at"])
        return chunk.attempts


def _park(chunk: RecheckChunk) -> None:
    """The run was paused (the chunk waits for resume) or cancelled (it is not checked)."""
    chunk.status = ChunkStatus.PENDING if chunk.run.status == RunStatus.PAUSED else ChunkStatus.CANCELLED
    chunk.updated_at = timezone.now()
    chunk.save(update_fields=["status", "updated_at"])


def _fail(chunk: RecheckChunk) -> None:
    """A chunk that failed ``max_attempts`` times: its accounts count as errors and the run fails."""
    chunk.status, chunk.updated_at = ChunkStatus.FAILED, timezone.now()
    chunk.errors = chunk.planned
    chunk.save(update_fields=["status", "updated_at", "errors"])
    record("recheck.chunk_failed", actor=None, subject=chunk.run,
           new={"chunk": chunk.seq, "lo": chunk.lo, "hi": chunk.hi, "attempts": chunk.attempts})
    chunk_finished(chunk.run_id, checked=chunk.planned, clean=0, flagged=0, errors=chunk.planned, cases=0,
                   suspended=0, planned=chunk.planned)


def _rows(chunk: RecheckChunk) -> list[dict]:
    if chunk.ids is not None:
        qs = Account.objects.filter(scopes.LIVE, pk__in=chunk.ids)
    else:
        qs = scopes.queryset(chunk.run.scope).filter(pk__gte=chunk.lo, pk__lte=chunk.hi)
    return list(qs.order_by("id").values(*ACCOUNT_FIELDS))


def _work(chunk: RecheckChunk) -> None:
    rows = _rows(chunk)
    results, ruleset = check_batch(rows)
    flagged = [r for r in results if r.flagged]
    cases, suspended = _write_findings(chunk, flagged)
    now = timezone.now()
    Account.objects.filter(pk__in=[r["id"] for r in rows]).update(last_rechecked_at=now, last_recheck_ruleset=ruleset)
    errors = sum(1 for r in flagged if r.error)
    chunk.status, chunk.updated_at = ChunkStatus.DONE, now
    chunk.checked, chunk.flagged, chunk.errors = len(rows), len(flagged) - errors, errors
    chunk.save(update_fields=["status", "updated_at", "checked", "flagged", "errors"])
    if not chunk.run.ruleset:
        type(chunk.run).objects.filter(pk=chunk.run_id, ruleset="").update(ruleset=ruleset)
    chunk_finished(chunk.run_id, checked=len(rows), clean=len(rows) - len(flagged), flagged=len(flagged) - errors,
                   errors=errors, cases=cases, suspended=suspended, planned=chunk.planned)


def _write_findings(chunk: RecheckChunk, flagged: list[Checked]) -> tuple[int, int]:
    """Each flagged account opens (or joins) its one open ``recheck`` case, or — for an article a
    supervisor set to suspend at once — is suspended with a correction deadline. An account
    already under a correction deadline gets its result recorded and nothing more."""
    if not flagged:
        return 0, 0
    uids = [r.uid for r in flagged]
    open_cases = set(ReviewCase.objects.filter(subject_uid__in=uids, reason=CaseReason.RECHECK,
                                               status__in=OPEN_CASE_STATUSES).values_list("subject_uid", flat=True))
    correcting = dict(RecheckCorrection.objects.filter(account_id__in=[r.account_id for r in flagged], state="open")
                      .values_list("account_id", "case_id"))
    immediate = immediate_articles()
    results, new_cases, suspended = [], 0, 0
    for r in flagged:
        account = Account(pk=r.account_id, uid=r.uid)
        result = RecheckResult(run_id=chunk.run_id, account_id=r.account_id, info_version=r.info_version,
                               outcome=Outcome.ERROR if r.error else Outcome.FLAGGED, articles=r.articles,
                               findings=r.findings)
        if r.account_id in correcting:
            result.case_id = correcting[r.account_id]
        elif not r.error and (hits := [f for f in r.findings if f["severity"] == "reject"
                                       and f["article"] in immediate]):
            suspend_at_once(account=account, run=chunk.run, findings=hits)
            result.suspended, suspended = True, suspended + 1
        else:
            case = case_open(actor=None, reason=CaseReason.RECHECK, source=f"recheck:{chunk.run_id}",
                             account=account, findings=r.findings,
                             requires_supervisor=any(f["severity"] == "strict_review" for f in r.findings))
            result.case_id = case.pk
            new_cases += r.uid not in open_cases
        results.append(result)
    RecheckResult.objects.bulk_create(results)
    return new_cases, suspended
