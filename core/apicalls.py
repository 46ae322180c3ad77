"""The platform API's call log (who called what, when, with what status — never bodies, tokens
or IPs), written in batches.

Writing one row per call cost each API request its own transaction: a quarter of the database
statements of a registration and more than half of those of a simple read. Rows are buffered per
process and written with one multi-row INSERT once ``API_CALL_BATCH_ROWS`` rows are waiting or
the oldest has waited ``API_CALL_BATCH_SECONDS`` (a timer covers a process that goes quiet), and
when the process exits (also a server's forked worker). A process killed
outright loses at most that batch of log rows — never a submission, decision or audit entry,
which commit with the request's own transaction.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

log = logging.getLogger(__name__)

_COLUMNS = ("client_id", "created_at", "method", "path", "status", "duration_ms", "request_id")
_lock = threading.Lock()
_rows: list[tuple] = []
_oldest = 0.0
_timer: threading.Timer | None = None


def log_call(*, client_id: int | None, created_at, method: str, path: str, status: int, duration_ms: int,
             request_id: str) -> None:
    global _oldest, _timer
    with _lock:
        if not _rows:
            _oldest = time.monotonic()
        _rows.append((client_id, created_at, method[:8], path[:300], status, duration_ms, request_id[:64]))
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
        _insert(rows)
    except DatabaseError:
        # One bad row (say, a client deleted meanwhile) must not take the batch with it.
        written = 0
        for row in rows:
            try:
                _insert([row])
                written += 1
            except DatabaseError:
                log.warning("api call log row dropped", extra={"path": row[3], "status": row[4]})
        return written
    return len(rows)


def _insert(rows: list[tuple]) -> None:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [v for row in rows for v in row]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"INSERT INTO core_apicall ({', '.join(_COLUMNS)}) VALUES {values}", params)  # noqa: S608


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
