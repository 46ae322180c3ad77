"""``record()``: the one way services write an audit entry (Art 17 records).

Call it inside the service's ``transaction.atomic()`` block so the entry commits or rolls back
with the change it describes. Entries form hash chains in independent *lanes*, so writers in
different lanes commit in parallel; a transaction writes all its entries to one lane.

On PostgreSQL a database connection *owns* one of ``OWNED_LANES`` lanes for as long as it lives
(a session-level advisory lock, taken on its first audited write): it is that lane's only
writer, so it keeps the lane's tail in memory and appends with a single INSERT — no lock and no
read of the tail per transaction. The cached tail only advances when a transaction commits
(an ``on_commit`` marker), so a rollback leaves it pointing at the last entry that exists. If
every owned lane is taken, a connection appends to one of ``SHARED_LANES`` further lanes under a
transaction-scoped lock and reads the tail each time, as all writers did before. Both kinds of
lock use the same key, so two writers can never fork a lane. Lanes are session state: the
connections must be real sessions (no transaction-mode pooler in front of PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from core import context
from core.models import ApiClient, AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x51494E47  # "QING"
OWNED_LANES = 64  # lanes 0..63: one owning connection each
SHARED_LANES = 64  # lanes 64..127: locked per transaction (also SQLite's lanes 0..63)
AUDIT_LANES = OWNED_LANES + SHARED_LANES


def _shared_lane() -> int:
    return (os.getpid() * 7919 + threading.get_ident()) % SHARED_LANES


class _Owner:
    """This connection's owned lane and, once known, its last committed entry."""

    __slots__ = ("hash", "lane", "raw", "seq")

    def __init__(self, raw, lane: int):
        self.raw, self.lane, self.seq, self.hash = raw, lane, None, None


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
    """Forget this thread's cached tail (tests that empty the audit table between them)."""
    owner = getattr(transaction.get_connection(), "_audit_owner", None)
    if owner is not None:
        owner.seq = owner.hash = None


def _normalise(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def entry_digest(*, lane: int, seq: int, created_at, actor_label: str, event: str, subject_type: str,
                 subject_id: str, old: Any, new: Any, request_id: str, source: str, prev_hash: str) -> str:
    payload = json.dumps(
        [lane, seq, created_at.astimezone(UTC).isoformat(timespec="microseconds"), actor_label, event,
         subject_type, subject_id, old, new, request_id, source, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def actor_label_for(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, ApiClient):
        return f"api:{actor.name}"
    return getattr(actor, "username", None) or str(actor)


class _Tail:
    """This transaction's last entry in its lane, kept as an ``on_commit`` callback.

    Django drops the callbacks registered inside a savepoint that rolls back, and all of them
    when the transaction ends, so the last surviving marker always describes the last entry
    that still exists in this transaction: later entries in the same transaction need neither
    the lane lock again (already held) nor a read of the chain's tail. Markers go to the front
    of the commit callbacks, so an owned lane's cached tail has reached the last committed entry
    before any other callback runs — one that starts a transaction of its own and writes an
    entry (an in-process job) must not see the tail as it was before this transaction. A
    marker only moves the tail forward, whatever order the markers run in.
    """

    __slots__ = ("hash", "lane", "owner", "seq")

    def __init__(self, lane: int, seq: int, digest: str, owner: _Owner | None):
        self.lane, self.seq, self.hash, self.owner = lane, seq, digest, owner

    def __call__(self) -> None:
        owner = self.owner
        if owner is not None and (owner.seq is None or self.seq > owner.seq):
            owner.seq, owner.hash = self.seq, self.hash


def _transaction_tail(conn, lane: int) -> _Tail | None:
    markers = [func for _sids, func, _robust in conn.run_on_commit if isinstance(func, _Tail) and func.lane == lane]
    return max(markers, key=lambda m: m.seq, default=None)


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
        lane = owner.lane
    else:
        lane = _shared_lane() + (OWNED_LANES if conn.vendor == "postgresql" else 0)
    tail = _transaction_tail(conn, lane)
    if tail is not None:
        seq, prev_hash = tail.seq + 1, tail.hash
    elif owner is not None and owner.seq is not None:
        seq, prev_hash = owner.seq + 1, owner.hash
    else:
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                # Two statements: the tail must be read with a snapshot taken after the lock.
                if owner is None:
                    cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, lane])
                cur.execute("SELECT seq, hash FROM core_auditentry WHERE lane = %s ORDER BY seq DESC LIMIT 1", [lane])
                last = cur.fetchone()
        else:
            last = AuditEntry.objects.filter(lane=lane).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    ctx = context.current()
    fields = {
        "lane": lane,
        "seq": seq,
        "created_at": timezone.now(),
        "actor_label": actor_label_for(actor)[:150],
        "event": event,
        "subject_type": subject._meta.label_lower if subject is not None else "",
        "subject_id": str(subject.pk) if subject is not None else "",
        "old": _normalise(old),
        "new": _normalise(new),
        "request_id": ctx.request_id,
        "source": ctx.source,
        "prev_hash": prev_hash,
    }
    digest = entry_digest(**fields)
    entry = AuditEntry(
        **fields,
        hash=digest,
        subject_label=(subject_label if subject_label is not None else (str(subject) if subject is not None else ""))[:200],
        actor_user=actor if actor is not None and not isinstance(actor, ApiClient) and getattr(actor, "pk", None) else None,
        actor_client=actor if isinstance(actor, ApiClient) else None,
    )
    try:
        _insert(entry)
    except IntegrityError:
        if owner is not None:
            owner.seq = owner.hash = None  # the cached tail was stale: read it again next time
        raise
    # At the front (see _Tail), with the savepoints it belongs to — as on_commit() would record
    # them, so a savepoint rollback still drops it — and robust.
    conn.run_on_commit.insert(0, (set(conn.savepoint_ids), _Tail(lane, seq, digest, owner), True))
    return entry


_INSERT_SQL = (
    "INSERT INTO core_auditentry (lane, seq, created_at, actor_user_id, actor_client_id, actor_label, event,"
    " subject_type, subject_id, subject_label, old, new, request_id, source, prev_hash, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s) RETURNING id"
)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _insert(entry: AuditEntry) -> None:
    """Every audited write in the system passes through here, so on PostgreSQL it is one
    prepared-shape INSERT rather than an ORM save (which compiles the statement each time)."""
    if connection.vendor != "postgresql":
        entry.save(force_insert=True)
        return
    with connection.cursor() as cur:
        cur.execute(_INSERT_SQL, [
            entry.lane, entry.seq, entry.created_at, entry.actor_user_id, entry.actor_client_id, entry.actor_label,
            entry.event, entry.subject_type, entry.subject_id, entry.subject_label, _json(entry.old), _json(entry.new), entry.request_id, entry.source, entry.prev_hash, entry.hash])
        entry.pk = cur.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


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
