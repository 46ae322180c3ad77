"""Scheduled and queued work for complaints. Functions take ids or nothing, load, call a service."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from complaints import conf, services
from complaints.choices import ComplaintStatus, NoticeChannel, NoticeStatus
from complaints.models import ComplainantNotice, Complaint
from core import crypto, workdays
from core.errors import ServiceError
from core.jobruns import job_run

log = logging.getLogger(__name__)

def sweep_deadlines() -> dict:
    """Mark complaints due soon or overdue, alert supervisors, close long-answered ones (Art 19:
    及时处理). Idempotent: a complaint whose flag has not changed is left alone."""
    with job_run("complaints.sweep_deadlines") as (counts, errors):
        now = timezone.now()
        cal = workdays.calendar()
        soon = workdays.end_of_day(workdays.add_working_days(timezone.localdate(now), 1, cal=cal))
        candidates = Complaint.objects.filter(next_due_at__isnull=False, next_due_at__lte=soon).exclude(
            sla_flag="overdue", next_due_at__lt=now)
        stale = Complaint.objects.filter(next_due_at__gt=soon).exclude(sla_flag="ok")
        cleared = Complaint.objects.filter(next_due_at__isnull=True).exclude(sla_flag="ok")
        for qs in (candidates, stale, cleared):
            for pk in qs.values_list("pk", flat=True).iterator(chunk_size=500):
                try:
                    flag = services.complaint_flag_sla(actor=None, complaint=Complaint(pk=pk), now=now, cal=cal)
                    if flag:
                        counts[flag] += 1
                except ServiceError as exc:
                    errors.append(f"complaint {pk}: {exc.message}")
        cutoff = now - timezone.timedelta(days=conf.auto_close_days())
        for pk in (Complaint.objects.filter(status__in=[ComplaintStatus.FEEDBACK_SENT, ComplaintStatus.REJECTED], feedback_sent_at__lt=cutoff,
                                            merged_into__isnull=True)
                   .values_list("pk", flat=True).iterator(chunk_size=500)):
            try:
                services.complaint_close(actor=None, complaint=Complaint(pk=pk))
                counts["closed"] += 1
            except ServiceError as exc:
                errors.append(f"complaint {pk}: {exc.message}")
        return dict(counts)


def purge_expired_captchas() -> int:
    """Drop captcha pictures nobody answered (every public form view makes one; answered ones are
    deleted at once). Hourly; idempotent."""
    from captcha.models import CaptchaStore

    deleted, _by_model = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted


def deliver_notice(notice_id: int) -> str:
    """Send one feedback notice to the contact given, through ``COMPLAINTS_CONTACT_SENDER`` (a
    dotted path to ``fn(contact, body)``) if the deployment has an SMS/e-mail gateway; without
    one the notice waits on the status page. Platform notices are webhook events delivered by
    core.webhooks (a job queued for one before that, on an upgrade, has nothing left to do)."""
    notice = ComplainantNotice.objects.select_related("complaint").get(pk=notice_id)
    if notice.status == NoticeStatus.SENT or notice.channel == NoticeChannel.PLATFORM:
        return notice.status
    complaint = notice.complaint
    notice.attempts += 1
    try:
        sender_path = getattr(settings, "COMPLAINTS_CONTACT_SENDER", "")
        if not sender_path:
            notice.status, notice.last_error = NoticeStatus.NO_GATEWAY, "未配置短信/邮件通道"
        else:
            import_string(sender_path)(crypto.decrypt(complaint.contact_encrypted), notice.body)
            notice.status, notice.sent_at, notice.last_error = NoticeStatus.SENT, timezone.now(), ""
    except (OSError, ValueError) as exc:
        notice.status, notice.last_error = NoticeStatus.FAILED, f"{type(exc).__name__}"[:300]
        notice.save()
        log.warning("complaint notice %s failed (attempt %d)", notice.pk, notice.attempts)
        raise
    notice.save()
    return notice.status
