"""Moderation jobs (RQ). They take ids, load, and call a service."""

from core.jobruns import job_run
from moderation import services


def deliver_notice(notice_id: int, client_id: int) -> None:
    services.notice_deliver(notice_id=notice_id, client_id=client_id)


def sweep() -> dict:
    """The deadline sweep: expire timed measures, escalate overdue correction orders, release
    abandoned claims, retry due webhook deliveries. Idempotent; each run is a JobRun row."""
    with job_run("moderation_sweep") as (counts, errors):
        result = services.sweep_measures()
        counts["measures_expired"] += result["expired"]
        counts["corrections_escalated"] += result["escalated"]
        if result["errors"]:
            errors.append(f"{result['errors']} measures could not be processed")
        counts["claims_released"] += services.release_expired_claims()
        counts["deliveries_retried"] += services.retry_due_deliveries()
        return dict(counts)
