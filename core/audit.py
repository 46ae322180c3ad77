"""``record()``: the one way services write an audit entry (Art 17 records).

Call it inside the service's ``transaction.atomic()`` block so the entry commits or rolls back
with the change it describes. Entries form hash chains (``AUDIT_LANES`` lanes); appending takes
a transaction-scoped advisory lock on the lane on PostgreSQL so concurrent writers cannot fork
it. A thread always uses the same lane, so one transaction never holds two lane locks (no
deadlocks) and writers in different lanes commit in parallel.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from core import context
from core.models import ApiClient, AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x51494E47  # "QING"
AUDIT_LANES = 64


def _lane() -> int:
    return (os.getpid() * 7919 + threading.get_ident()) % AUDIT_LANES


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
    """This transaction's last entry in its lane, kept as a no-op ``on_commit`` callback.

    Django drops the callbacks registered inside a savepoint that rolls back, and all of them
    when the transaction ends, so the last surviving marker always describes the last entry
    that still exists in this transaction: later entries in the same transaction need neither
    the lane lock again (already held) nor a read of the chain's tail.
    """

    __slots__ = ("hash", "lane", "seq")

    def __init__(self, lane: int, seq: int, digest: str):
        self.lane, self.seq, self.hash = lane, seq, digest

    def __call__(self) -> None:
        return None


def _transaction_tail(conn, lane: int) -> _Tail | None:
    for _sids, func, _robust in reversed(conn.run_on_commit):
        if isinstance(func, _Tail) and func.lane == lane:
            return func
    return None


def record(event: str, *, actor, subject: Model | None = None, old: Any = None, new: Any = None,
           subject_label: str | None = None) -> AuditEntry:
    """Append an audit entry for ``event`` about ``subject``, done by ``actor``.

    ``actor`` is a staff user, an ``ApiClient`` or ``None`` for the system — explicitly.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction.atomic()")
    lane = _lane()
    tail = _transaction_tail(conn, lane)
    if tail is not None:
        seq, prev_hash = tail.seq + 1, tail.hash
    else:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, lane])
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
    entry = AuditEntry.objects.create(
        **fields,
        hash=digest,
        subject_label=(subject_label if subject_label is not None else (str(subject) if subject is not None else ""))[:200],
        actor_user=actor if actor is not None and not isinstance(actor, ApiClient) and getattr(actor, "pk", None) else None,
        actor_client=actor if isinstance(actor, ApiClient) else None,
    )
    conn.on_commit(_Tail(lane, seq, digest))
    return entry


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
