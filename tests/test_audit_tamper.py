"""Audit records that really are tamper-evident (issue 11 §5): a keyed MAC that cannot be
recomputed without QINGLANG_AUDIT_KEY, an append-only table on PostgreSQL, signed lane-head
checkpoints that reveal truncation, and no private transaction API."""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from core import audit
from core.audit import entry_payload, record, verify_chain
from core.audit_checkpoints import verify_checkpoints, write_checkpoint
from core.models import AuditCheckpoint, AuditEntry
from tests.audit_tamper import tamper


def _entries(n: int, event: str = "t.entry") -> list[AuditEntry]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(record(event, actor=None, new={"i": i}))
    return out


def _fields(e: AuditEntry, prev_hash: str) -> dict:
    return {"lane": e.lane, "seq": e.seq, "created_at": e.created_at, "actor_label": e.actor_label, "event": e.event,
            "subject_type": e.subject_type, "subject_id": e.subject_id, "old": e.old, "new": e.new,
            "request_id": e.request_id, "source": e.source, "prev_hash": prev_hash}


def test_recomputing_the_chain_without_the_key_is_detected(db):
    entries = _entries(3)
    lane = [e for e in AuditEntry.objects.filter(lane=entries[0].lane).order_by("seq")]
    # The attacker edits the middle entry and recomputes every later link with plain SHA-256.
    with tamper():
        prev = lane[0].hash
        for e in lane[1:]:
            if e.pk == lane[1].pk:
                e.new = {"i": 999}
            digest = hashlib.sha256(entry_payload(**_fields(e, prev))).hexdigest()
            AuditEntry.objects.filter(pk=e.pk).update(new=e.new, prev_hash=prev, hash=digest)
            prev = digest
    _checked, broken, reason = verify_chain()
    assert broken is not None and broken.pk == lane[1].pk and "edited" in reason


def test_another_key_does_not_verify(db, settings):
    _entries(2)
    settings.AUDIT_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI="
    audit.forget_key()
    try:
        assert verify_chain()[1] is not None
    finally:
        audit.forget_key()


@pytest.mark.postgres
def test_the_table_refuses_update_and_delete(db):
    entry = _entries(1)[0]
    for attempt in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(event="x.edited"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            attempt()
    checkpoint = write_checkpoint(Path(settings.VAR_DIR) / "test-checkpoints.jsonl")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(entries=0)


def test_deleting_an_actor_updates_no_entry(db, supervisor):
    with transaction.atomic():
        entry = record("t.by_user", actor=supervisor)
    supervisor.delete()  # would be refused by the trigger if it set actor_user to NULL
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_label == "supervisor" and stored.actor_user_id == entry.actor_user_id
    assert not User.objects.filter(pk=entry.actor_user_id).exists()
    assert verify_chain()[1] is None


def test_truncation_since_the_last_checkpoint_is_detected(db, tmp_path):
    entries = _entries(4)
    path = tmp_path / "checkpoints.jsonl"
    checkpoint = write_checkpoint(path)
    assert checkpoint.heads[str(entries[-1].lane)][0] == entries[-1].seq
    call_command("verify_audit", checkpoints=path)  # intact
    # Deleting the newest entries leaves a shorter chain that is still valid …
    with tamper():
        AuditEntry.objects.filter(pk__in=[entries[-1].pk, entries[-2].pk]).delete()
    assert verify_chain()[1] is None
    # … but not one that reaches the checkpointed head.
    _count, problems = verify_checkpoints()
    assert any("truncated" in p and f"lane {entries[-1].lane}" in p for p in problems)
    with pytest.raises(CommandError, match="truncated"):
        call_command("verify_audit")


def test_the_shipped_file_catches_a_deleted_checkpoint_and_truncation(db, tmp_path):
    entries = _entries(3)
    path = tmp_path / "checkpoints.jsonl"
    write_checkpoint(path)
    with tamper():
        AuditEntry.objects.filter(pk=entries[-1].pk).delete()
        AuditCheckpoint.objects.all().delete()  # the database copy removed too
    _count, problems = verify_checkpoints(path)
    assert any("truncated" in p for p in problems) and any("missing from the database" in p for p in problems)


def test_a_forged_checkpoint_is_detected(db, tmp_path):
    _entries(2)
    checkpoint = write_checkpoint(tmp_path / "c.jsonl")
    heads = {lane: [seq - 1, mac] for lane, (seq, mac) in checkpoint.heads.items()}
    with tamper():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(heads=heads)
    _count, problems = verify_checkpoints()
    assert problems and "signature" in problems[0]


def test_checkpoint_file_lines_are_json_with_every_lane(db, tmp_path):
    entries = _entries(2)
    path = tmp_path / "c.jsonl"
    write_checkpoint(path)
    write_checkpoint(path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 2 and lines[1]["heads"][str(entries[0].lane)][0] == entries[-1].seq


def test_checkpoint_job_is_scheduled():
    text = (Path(settings.BASE_DIR) / "config" / "schedules.py").read_text()
    assert "core.audit_checkpoints.write_checkpoint" in text


def test_audit_uses_no_private_transaction_state():
    source = (Path(settings.BASE_DIR) / "core" / "audit.py").read_text()
    assert "run_on_commit" not in source and "savepoint_ids" not in source


def test_the_migration_rechains_sha256_entries_with_the_mac(db):
    """Rows written before the MAC (plain SHA-256 chain) are converted and then verify."""
    migration = importlib.import_module("core.migrations.0008_audit_mac_append_only")
    entries = _entries(3)
    lane = list(AuditEntry.objects.filter(lane=entries[0].lane).order_by("seq"))
    with tamper():  # write them back as the old version did
        prev = "0" * 64
        for e in lane:
            digest = hashlib.sha256(entry_payload(**_fields(e, prev))).hexdigest()
            AuditEntry.objects.filter(pk=e.pk).update(prev_hash=prev, hash=digest)
            prev = digest
        assert verify_chain()[1] is not None  # not MACs
        migration.rechain_with_mac(apps, None)
        assert verify_chain()[1] is None
        migration.rechain_with_mac(apps, None)  # MAC entries (a re-run, or written meanwhile) stay valid
    assert verify_chain()[1] is None
    with tamper():  # an old chain that was already broken is refused, not laundered
        AuditEntry.objects.filter(pk=lane[1].pk).update(event="x.edited")
        AuditEntry.objects.filter(lane=lane[0].lane).update(hash="0" * 64)
        with pytest.raises(RuntimeError, match="already broken"):
            migration.rechain_with_mac(apps, None)
