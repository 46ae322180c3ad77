"""Moderation jobs (RQ). They take ids, load, and call a service."""

from core.jobruns import job_run
from core.models import WebhookDelivery
from core.webhooks import delivery_attempt
from moderation import services


def deliver_notice(notice_id: int, client_id: int) -> None:
    """Jobs queued before webhooks moved to core (an upgrade with retries still in Redis): the
    notice's delivery to that client now goes through core.webhooks."""
    deliveries = WebhookDelivery.objects.filter(event__notice__pk=notice_id, client_id=client_id)
    for pk in deliveries.values_list("pk", flat=True):
        delivery_attempt(delivery_id=pk)


def sweep() -> dict:
    """The deadline sweep: expire timed measures, escalate overdue correction orders, release
    abandoned claims (webhook retries have their own sweep: core.webhooks.jobs.sweep).
    Idempotent; each run is a JobRun row."""
    with job_run("moderation_sweep") as (counts, errors):
        result = services.sweep_measures()
        counts["measures_expired"] += result["expired"]
        counts["corrections_escalated"] += result["escalated"]
        if result["errors"]:
            errors.append(f"{result['errors']} measures could not be processed")
        counts["claims_released"] += services.release_expired_claims()
        return dict(counts)


def credit_recover() -> dict:
    """Daily (config/schedules.py): credit points for clean periods (Art 18), as ledger events."""
    from moderation.services.credit import credit_recover as recover

    with job_run("credit_recover") as (counts, _errors):
        counts["recovered"] += recover()["recovered"]
        return dict(counts)


def rule_version_notices(version_id: int, batch: int = 500) -> dict:
    """Notices of a rule version that requires acceptance, to every account that has not accepted
    it (idempotent: an account that already has this notice is skipped)."""
    from moderation.services.notices import notices_for_rule_version

    with job_run("rule_version_notices") as (counts, _errors):
        counts["notices"] += notices_for_rule_version(version_id=version_id, batch=batch)
        return dict(counts)
