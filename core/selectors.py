"""Reads of core records, and row estimates for big tables."""

from django.db import connection

from core.models import AuditEntry


def audit_list(*, user):
    """Every audit entry (the view checks the auditor's permission); the list view narrows them
    with ``AuditEntryFilterSet``."""
    return AuditEntry.objects.all()


def estimated_count(table: str) -> int:
    """Row estimate from PostgreSQL statistics for big tables (a COUNT(*) over millions of rows
    is too slow for a dashboard tile); exact for small tables and on other databases."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted name
            return cur.fetchone()[0]
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cur.fetchone()
    estimate = row[0] if row else -1
    if estimate < 100_000:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted name
            return cur.fetchone()[0]
    return estimate
