"""``record()``: the one way services write an audit entry (Art 17 records).

Call it inside the service's ``transaction.atomic()`` block so the entry commits or rolls back
with the change it describes. Entries form MAC chains in independent *lanes*, so writers in
different lanes commit in parallel; a transaction writes all its entries to one lane.

Each entry's ``hash`` is an HMAC-SHA256 under ``QINGLANG_AUDIT_KEY`` (kept outside the
database) over its content and the previous entry's ``hash``: someone who can write to the
database can neither edit an entry nor recompute the chain after deleting one without the key.
On PostgreSQL a trigger refuses UPDATE and DELETE (``core.models.AuditEntry``), and signed
checkpoints of every lane's head (``core.audit_checkpoints``, a scheduled job) make deleting the
newest entries of a lane detectable too.

On PostgreSQL a database connection *owns* one of ``OWNED_LANES`` lanes for as long as it lives
(a session-level advisory lock, taken on its first audited write): it is that lane's only
writer, so it remembers the lane's tail and appends with a single INSERT — no lock and no read
of the tail per transaction. What it remembers is only a hint: the INSERT appends only if the
remembered predecessor still exists and the sequence number is free (``ON CONFLICT DO NOTHING``
and an ``EXISTS`` in the same statement), so after a rollback — of the transaction or of a
savepoint — the statement inserts nothing and the writer reads the real tail and appends again.
The committed tail advances through ``transaction.on_commit(..., robust=True)``; no private
transaction state is read. If every owned lane is taken, a connection appends to one of
``SHARED_LANES`` further lanes under a transaction-scoped lock, reading the tail each time.
Both kinds of lock use the same key, so two writers can never fork a lane. Lanes are session
state: the connections must be real sessions (no transaction-mode pooler in front of PostgreSQL).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from datetime import UTC
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from core import context
from core.models import ApiClient, AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x51494E47  # "QING"
OWNED_LANES = 64  # lanes 0..63: one owning connection each
SHARED_LANES = 64  # lanes 64..127: locked per transaction (also SQLite's lanes 0..63)
AUDIT_LANES = OWNED_LANES + SHARED_LANES


@cache
def mac_key() -> bytes:
    """The audit MAC key, derived from ``QINGLANG_AUDIT_KEY`` (never stored in the database)."""
    from core.crypto import derive_key

    return derive_key(settings.AUDIT_KEY, b"audit-mac")


def forget_key() -> None:
    mac_key.cache_clear()


def _shared_lane() -> int:
    return (os.getpid() * 7919 + threading.get_ident()) % SHARED_LANES


class _Owner:
    """This connection's owned lane, its last committed entry, and a hint of the transaction's last entry."""

    __slots__ = ("hash", "lane", "pending", "raw", "seq")

    def __init__(self, raw, lane: int):
        self.raw, self.lane, self.seq, self.hash, self.pending = raw, lane, None, None, None

    def tail(self) -> tuple[int, str] | None:
        if self.pending is not None:
            return self.pending
        return (self.seq, self.hash) if self.seq is not None else None


def _owner(conn) -> _Owner | None:
    """The lane this PostgreSQL connection owns, taking a free one on first use (None: all taken)."""
    owner = getattr(conn, "_audit_owner", None)
    if owner is not None and owner.raw is conn.connection:
        return owner if owner.lane is not None else None
    start = _shared_lane() % OWNED_LANES  # spread processes over the lanes; any free one will do
    with conn.cursor() as cur:
        # A session-level lock survives this transaction, even if it rolls back.
        cur.execute("SELECT lane FROM (SELECT (n + %s) %% %s AS lane FROM generate_series(0, %s) n) lanes"
                    " WHERE pg_try_advisory_lock(%s, lane) LIMIT 1", [start, OWNED_LANES, OWNED_LANES - 1, _LOCK_KEY])
        row = cur.fetchone()
    conn._audit_owner = _Owner(conn.connection, row[0] if row else None)
    return conn._audit_owner if row else None


def forget_tails() -> None:
    """Forget this thread's remembered tail (tests that empty the audit table between them)."""
    owner = getattr(transaction.get_connection(), "_audit_owner", None)
    if owner is not None:
        owner.seq = owner.hash = owner.pending = None


def _normalise(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def entry_payload(*, lane: int, seq: int, created_at, actor_label: str, event: str, subject_type: str,
                  subject_id: str, old: Any, new: Any, request_id: str, source: str, prev_hash: str) -> bytes:
    return json.dumps(
        [lane, seq, created_at.astimezone(UTC).isoformat(timespec="microseconds"), actor_label, event,
         subject_type, subject_id, old, new, request_id, source, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    ).encode()


def entry_digest(**fields) -> str:
    """HMAC-SHA256 of the entry's content and its predecessor's MAC, under the audit key."""
    return hmac.new(mac_key(), entry_payload(**fields), hashlib.sha256).hexdigest()


def actor_label_for(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, ApiClient):
        return f"api:{actor.name}"
    return getattr(actor, "username", None) or str(actor)


class _Committed:
    """``on_commit`` callback: the owner's committed tail moves forward to this entry (never back)."""

    __slots__ = ("hash", "owner", "seq")

    def __init__(self, owner: _Owner, seq: int, digest: str):
        self.owner, self.seq, self.hash = owner, seq, digest

    def __call__(self) -> None:
        owner = self.owner
        if owner.seq is None or self.seq > owner.seq:
            owner.seq, owner.hash = self.seq, self.hash
        if owner.pending is not None and owner.pending[0] <= owner.seq:
            owner.pending = None


def _read_tail(conn, lane: int, *, lock: bool) -> tuple[int, str] | None:
    if conn.vendor != "postgresql":
        return AuditEntry.objects.filter(lane=lane).order_by("-seq").values_list("seq", "hash").first()
    with conn.cursor() as cur:
        # Two statements: the tail must be read with a snapshot taken after the lock.
        if lock:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, lane])
        cur.execute("SELECT seq, hash FROM core_auditentry WHERE lane = %s ORDER BY seq DESC LIMIT 1", [lane])
        return cur.fetchone()


def record(event: str, *, actor, subject: Model | None = None, old: Any = None, new: Any = None,
           subject_label: str | None = None) -> AuditEntry:
    """Append an audit entry for ``event`` about ``subject``, done by ``actor``.

    ``actor`` is a staff user, an ``ApiClient`` or ``None`` for the system — explicitly.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction.atomic()")
    owner = _owner(conn) if conn.vendor == "postgresql" else None
    if owner is not None:
        lane, tail = owner.lane, owner.tail()
    else:
        lane = _shared_lane() + (OWNED_LANES if conn.vendor == "postgresql" else 0)
        tail = _read_tail(conn, lane, lock=True)
    ctx = context.current()
    entry = AuditEntry(
        lane=lane, created_at=timezone.now(), actor_label=actor_label_for(actor)[:150], event=event,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        old=_normalise(old), new=_normalise(new), request_id=ctx.request_id, source=ctx.source,
        subject_label=(subject_label if subject_label is not None else (str(subject) if subject is not None else ""))[:200],
        actor_user=actor if actor is not None and not isinstance(actor, ApiClient) and getattr(actor, "pk", None) else None,
        actor_client=actor if isinstance(actor, ApiClient) else None,
    )
    if not _append(entry, tail):
        # The remembered tail was stale (a rolled-back transaction or savepoint): read the real one.
        if not _append(entry, _read_tail(conn, lane, lock=False)):
            raise RuntimeError(f"audit lane {lane} changed under its owner")
    if owner is not None:
        owner.pending = (entry.seq, entry.hash)
        transaction.on_commit(_Committed(owner, entry.seq, entry.hash), robust=True)
    return entry


def _seal(entry: AuditEntry, tail: tuple[int, str] | None) -> None:
    entry.seq, entry.prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    entry.hash = entry_digest(
        lane=entry.lane, seq=entry.seq, created_at=entry.created_at, actor_label=entry.actor_label, event=entry.event,
        subject_type=entry.subject_type, subject_id=entry.subject_id, old=entry.old, new=entry.new,
        request_id=entry.request_id, source=entry.source, prev_hash=entry.prev_hash)


_INSERT_SQL = (
    "INSERT INTO core_auditentry (lane, seq, created_at, actor_user_id, actor_client_id, actor_label, event,"
    " subject_type, subject_id, subject_label, old, new, request_id, source, prev_hash, hash)"
    " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s"
    " WHERE %s OR EXISTS (SELECT 1 FROM core_auditentry WHERE lane = %s AND seq = %s AND hash = %s)"
    " ON CONFLICT (lane, seq) DO NOTHING RETURNING id"
)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _append(entry: AuditEntry, tail: tuple[int, str] | None) -> bool:
    """Insert ``entry`` after ``tail``; False (nothing written) if ``tail`` is not the lane's tail.

    Every audited write in the system passes through here, so on PostgreSQL it is one
    prepared-shape INSERT rather than an ORM save (which compiles the statement each time)."""
    _seal(entry, tail)
    if connection.vendor != "postgresql":
        entry.save(force_insert=True)  # SQLite: the tail was just read in this write transaction
        return True
    with connection.cursor() as cur:
        cur.execute(_INSERT_SQL, [
            entry.lane, entry.seq, entry.created_at, entry.actor_user_id, entry.actor_client_id, entry.actor_label,
            entry.event, entry.subject_type, entry.subject_id, entry.subject_label, _json(entry.old), _json(entry.new),
            entry.request_id, entry.source, entry.prev_hash, entry.hash,
            tail is None, entry.lane, entry.seq - 1, entry.prev_hash])
        row = cur.fetchone()
    if row is None:
        return False
    entry.pk = row[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return True


def verify_chain(batch_size: int = 5000) -> tuple[int, AuditEntry | None, str]:
    """Walk every lane in order. Returns (entries checked, first broken entry or None, reason)."""
    checked = 0
    lanes = AuditEntry.objects.order_by().values_list("lane", flat=True).distinct()
    for lane in sorted(lanes):
        prev_hash, expected_seq, last_seq = GENESIS, 1, 0
        while True:
            batch = list(AuditEntry.objects.filter(lane=lane, seq__gt=last_seq).order_by("seq")[:batch_size])
            if not batch:
                break
            for e in batch:
                if e.seq != expected_seq:
                    return checked, e, f"missing entry before lane {lane} seq {e.seq} (expected {expected_seq})"
                if e.prev_hash != prev_hash:
                    return checked, e, "prev_hash does not match the previous entry"
                digest = entry_digest(
                    lane=e.lane, seq=e.seq, created_at=e.created_at, actor_label=e.actor_label, event=e.event,
                    subject_type=e.subject_type, subject_id=e.subject_id, old=e.old, new=e.new,
                    request_id=e.request_id, source=e.source, prev_hash=e.prev_hash,
                )
                if digest != e.hash:
                    return checked, e, "content does not match its hash (edited)"
                prev_hash = e.hash
                expected_seq += 1
                checked += 1
                last_seq = e.seq
    return checked, None, ""
