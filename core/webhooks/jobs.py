"""Webhook jobs (RQ): one attempt of a delivery, and the sweep (the safety net, every 5 minutes)."""

from core.jobruns import job_run
from core.jobs import clean_abandoned
from core.webhooks import delivery


def deliver(delivery_id: int) -> None:
    delivery.delivery_attempt(delivery_id=delivery_id)


def sweep() -> dict:
    """RQ registry maintenance (abandoned jobs to the failed registry, each one named in the run's
    record), then every delivery whose booked retry never ran is queued again."""
    with job_run("webhooks.sweep") as (counts, errors):
        abandoned = clean_abandoned()
        counts["abandoned_jobs"] += len(abandoned)
        errors.extend(f"abandoned job: {a}" for a in abandoned)
        counts["deliveries_queued"] += delivery.sweep()
        return dict(counts)
