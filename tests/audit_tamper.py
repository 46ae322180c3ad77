"""Tests that play the attacker edit audit rows directly: on PostgreSQL the append-only trigger
refuses that, so they switch it off for the block (pgtrigger.ignore) as someone with the
database owner's rights could."""

from __future__ import annotations

import contextlib

from django.db import connection


@contextlib.contextmanager
def tamper():
    if connection.vendor != "postgresql":
        yield
        return
    import pgtrigger

    with pgtrigger.ignore("core.AuditEntry:audit_append_only", "core.AuditCheckpoint:checkpoint_append_only"):
        yield
