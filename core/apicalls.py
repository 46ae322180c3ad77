"""The platform API's call log (who called what, when, with what status — never bodies, tokens
or IPs), written in batches with ``bulk_create``.

Writing one row per call costs each API request a commit of its own. Measured with
``bench/api_call_log.py`` on the 2-core development machine (2026-12-02, heavily loaded, two
runs): 10–18 ms per call for that commit against 0.4–0.6 ms in batches, a registration through
the full stack 1.28× and 1.85× as long (medians; asynchronous commit still cost 5 ms a call).
So rows are buffered per process and written together once ``API_CALL_BATCH_ROWS`` rows are
waiting (default 50) or the oldest has waited ``API_CALL_BATCH_SECONDS`` (default 1 s; a timer
covers a process that goes quiet), and when the process exits normally or is stopped with
SIGTERM (also a server's forked worker). Each row keeps the time of the call (``created_at``),
not the time of its batch.

What is kept and what can be lost:

* every call answered by a process that exits or is stopped normally (SIGTERM, a restart) is
  written;
* a process killed outright (SIGKILL, the OOM killer, a power cut) loses the rows still waiting:
  at most ``API_CALL_BATCH_ROWS - 1`` calls, those answered in roughly its last
  ``API_CALL_BATCH_SECONDS``;
* a row the database refuses (say, its client was deleted meanwhile) is dropped with a warning;
  the rest of its batch is written; a batch that meets an unreachable database is dropped the
  same way, row by row;
* never a submission, decision or audit entry: those commit with the request's own transaction.

``QINGLANG_API_CALL_BATCH_ROWS=1`` writes every row before its answer is sent, for the price above.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from core.models import ApiCall

log = logging.getLogger(__name__)

_lock = threading.Lock()
_rows: list[ApiCall] = []
_oldest = 0.0
_timer: threading.Timer | None = None


def log_call(*, client_id: int | None, created_at, method: str, path: str, status: int, duration_ms: int,
             request_id: str) -> None:
    global _oldest, _timer
    row = ApiCall(client_id=client_id, created_at=created_at, method=method[:8], path=path[:300], status=status,
                  duration_ms=duration_ms, request_id=request_id[:64])
    with _lock:
        if not _rows:
            _oldest = time.monotonic()
        _rows.append(row)
        due = (len(_rows) >= settings.API_CALL_BATCH_ROWS
               or time.monotonic() - _oldest >= settings.API_CALL_BATCH_SECONDS)
        if not due and (_timer is None or not _timer.is_alive()):
            _timer = threading.Timer(settings.API_CALL_BATCH_SECONDS, _flush_from_timer)
            _timer.daemon = True
            _timer.start()
    if due:
        flush()


def pending() -> int:
    return len(_rows)


def discard() -> None:
    """Drop buffered rows unwritten (tests: rows of a rolled-back test cannot be written)."""
    global _timer
    with _lock:
        _rows.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None


def flush() -> int:
    """Write every buffered row now; returns how many were written."""
    with _lock:
        rows = _rows[:]
        _rows.clear()
    if not rows:
        return 0
    try:
        _write(rows)
    except DatabaseError:
        # One bad row (say, a client deleted meanwhile) must not take the batch with it.
        written = 0
        for row in rows:
            try:
                _write([row])
                written += 1
            except DatabaseError:
                log.warning("api call log row dropped", extra={"path": row.path, "status": row.status})
        return written
    return len(rows)


def _write(rows: list[ApiCall]) -> None:
    with transaction.atomic():  # its own savepoint when a caller's transaction is open
        ApiCall.objects.bulk_create(rows)


def _flush_from_timer() -> None:
    try:
        flush()
    finally:
        connection.close()  # this thread's own connection: it is not reused


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the process is going away; the log says how many were lost
        log.warning("api call log: %d rows not written at exit", len(_rows))


# A normal exit runs atexit; a server's forked worker process (granian) ends through
# multiprocessing, which skips atexit but runs its own finalizers — register with both
# (the second flush finds nothing left).
atexit.register(_flush_at_exit)
multiprocessing.util.Finalize(None, _flush_at_exit, exitpriority=100)
