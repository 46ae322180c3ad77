"""Scheduled work of the account registry. Functions take ids or nothing, load, call a service."""

from django.utils import timezone

from accounts import services
from accounts.choices import ReviewStatus
from accounts.models import Qualification
from core.errors import ServiceError
from core.jobruns import job_run


def expire_qualifications() -> dict:
    """Approved qualifications past their validity lose their label (Art 11). Idempotent."""
    with job_run("expire_qualifications") as (counts, errors):
        due = Qualification.objects.filter(status=ReviewStatus.APPROVED, valid_until__lt=timezone.localdate())
        for q in due.iterator(chunk_size=500):
            try:
                services.qualification_decide(actor=None, qualification=q, status=ReviewStatus.EXPIRED,
                                              note="有效期届满，自动失效")
                counts["expired"] += 1
            except ServiceError as exc:
                errors.append(f"qualification {q.pk}: {exc.message}")
        return dict(counts)


def send_certification_email(email_id: int) -> str:
    """Send an organisation certification's outcome e-mail and record its delivery."""
    from accounts.mail import outcome_email_send

    return outcome_email_send(email_id=email_id)
