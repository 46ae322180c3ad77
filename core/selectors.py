"""Reads of core records, and row estimates for big tables."""

from django.db import connection

from core.models import ApiCall, ApiClient, AuditEntry, WebhookDelivery


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


def api_client_list():
    return ApiClient.objects.order_by("name")


def api_client_calls(client, *, limit: int = 50):
    """The client's latest API calls (served by apicall_client_idx)."""
    return list(ApiCall.objects.filter(client=client).order_by("-id")[:limit])


def api_client_deliveries(client, *, failing: bool = False, limit: int = 50):
    """The client's latest webhook deliveries with their events and attempts; ``failing``: only
    those retrying or given up."""
    qs = WebhookDelivery.objects.filter(client=client)
    if failing:
        qs = qs.filter(status__in=[WebhookDelivery.Status.RETRYING, WebhookDelivery.Status.GIVEN_UP])
    return list(qs.select_related("event").prefetch_related("attempts").order_by("-id")[:limit])
