"""Signed checkpoints of the audit lanes' heads (issue 11 §5).

A MAC chain shows an edited or removed entry *inside* a lane, but deleting a lane's newest
entries leaves a shorter chain that is still valid. So a scheduled job (``config/schedules.py``)
records every lane's last (seq, MAC) in ``AuditCheckpoint``, signed with the audit key, and
appends the same JSON line to ``QINGLANG_AUDIT_CHECKPOINT_FILE`` — a file the operator ships off
the machine (log shipper, WORM bucket), where a database administrator cannot reach it.
``verify_checkpoints`` (run by ``verify_audit``) finds a lane that no longer reaches its
checkpointed head, or a checkpoint whose signature does not match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import AUDIT_LANES, mac_key
from core.models import AuditCheckpoint, AuditEntry


def _sign(created_at: str, heads: dict, entries: int) -> str:
    body = json.dumps([created_at, heads, entries], sort_keys=True, separators=(",", ":"))
    return hmac.new(mac_key(), b"checkpoint:" + body.encode(), hashlib.sha256).hexdigest()


def _heads() -> dict[str, list]:
    """{lane: [last seq, its MAC]} as committed now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            # One index probe per lane (a DISTINCT ON would scan the whole table every ten minutes).
            cur.execute("SELECT l.lane, t.seq, t.hash FROM generate_series(0, %s) AS l(lane) CROSS JOIN LATERAL"
                        " (SELECT seq, hash FROM core_auditentry WHERE lane = l.lane ORDER BY seq DESC LIMIT 1) t",
                        [AUDIT_LANES - 1])
            return {str(lane): [seq, mac] for lane, seq, mac in cur.fetchall()}
    heads = {}
    for lane, seq in AuditEntry.objects.order_by().values_list("lane").annotate(Max("seq")):
        heads[str(lane)] = [seq, AuditEntry.objects.get(lane=lane, seq=seq).hash]
    return heads


def write_checkpoint(path: Path | None = None) -> AuditCheckpoint:
    """The scheduled job: sign the current lane heads, store them and append them to the file."""
    heads = _heads()
    entries = sum(seq for seq, _mac in heads.values())
    created_at = timezone.now()
    stamp = created_at.isoformat(timespec="microseconds")
    with transaction.atomic():
        checkpoint = AuditCheckpoint.objects.create(created_at=created_at, heads=heads, entries=entries,
                                                    mac=_sign(stamp, heads, entries))
    target = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": checkpoint.pk, "created_at": stamp, "heads": heads, "entries": entries,
                              "mac": checkpoint.mac}, sort_keys=True) + "\n")
    return checkpoint


def _check_one(label: str, stamp: str, heads: dict, entries: int, mac: str) -> list[str]:
    if not hmac.compare_digest(_sign(stamp, heads, entries), mac):
        return [f"checkpoint {label}: signature does not match (forged, edited, or signed with another key)"]
    problems = []
    for lane, (seq, head_mac) in sorted(heads.items(), key=lambda kv: int(kv[0])):
        found = AuditEntry.objects.filter(lane=int(lane), seq=seq).values_list("hash", flat=True).first()
        if found is None:
            last = AuditEntry.objects.filter(lane=int(lane)).aggregate(m=Max("seq"))["m"] or 0
            problems.append(f"lane {lane} truncated: checkpoint {label} saw seq {seq}, the lane now ends at {last}")
        elif found != head_mac:
            problems.append(f"lane {lane} seq {seq} differs from checkpoint {label}")
    return problems


def verify_checkpoints(file: Path | None = None) -> tuple[int, list[str]]:
    """Check the newest stored checkpoint and, if given, the last line of a shipped checkpoint file
    against the entries. Returns (checkpoints checked, problems)."""
    checked, problems = 0, []
    latest = AuditCheckpoint.objects.order_by("-id").first()
    if latest is not None:
        checked += 1
        problems += _check_one(f"#{latest.pk}", latest.created_at.isoformat(timespec="microseconds"),
                               latest.heads, latest.entries, latest.mac)
    if file is not None:
        lines = [line for line in Path(file).read_text(encoding="utf-8").splitlines() if line.strip()]
        if lines:
            last = json.loads(lines[-1])
            checked += 1
            problems += _check_one(f"#{last['id']} (file)", last["created_at"], last["heads"], last["entries"],
                                   last["mac"])
            if latest is None or latest.pk < last["id"]:
                problems.append(f"checkpoint #{last['id']} from the file is missing from the database")
    return checked, problems
