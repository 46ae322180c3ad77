"""Receiving a complaint (Art 19: 受理) from the public page or the platform API: validation, rate
limits, deadlines, evidence images, and the automatic merge of a duplicate into an open complaint
about the same account and category.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from complaints import conf, ratelimit
from complaints.choices import MERGEABLE_INTO, ComplaintCategory, ComplaintSource, ComplaintStatus
from complaints.evidence import CleanImage, clean_image
from complaints.models import Complaint, ComplaintEvidence, ReporterFlag
from complaints.services.deadlines import deadline_warning, policy_days, set_clock
from complaints.services.guards import require_actor
from complaints.services.normalise import new_tracking_code, normalise_contact, resolve_target
from core import crypto, workdays
from core.audit import record
from core.errors import ServiceError
from core.models import ApiClient


def save_evidence(complaint: Complaint, images: list[CleanImage], *, from_reply: bool = False) -> None:
    """Store cleaned evidence images under random names (``from_reply``: sent with a reply)."""
    for img in images:
        ev = ComplaintEvidence(complaint=complaint, content_type=img.content_type, size=len(img.data),
                               width=img.width, height=img.height, sha256=img.sha256, from_reply=from_reply)
        ev.file.save(f"{secrets.token_hex(16)}.{img.ext}", ContentFile(img.data), save=False)
        ev.save()


def _advisory_lock(key: str) -> None:
    if connection.vendor == "postgresql":
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


@dataclass
class ComplaintInput:
    category: str
    target: str
    description: str
    source: str = ComplaintSource.WEB
    contact: str = ""
    evidence: list[bytes] = field(default_factory=list)
    ip: str = ""
    external_ref: str = ""


@dataclass
class _Intake:
    """What ``complaint_submit`` works out before it writes: the cleaned input, in one place."""

    data: ComplaintInput
    api_client: ApiClient | None
    account: Account | None
    target_key: str
    contact: str
    contact_masked: str
    contact_hash: str
    ip_hash: str
    images: list[CleanImage]


def _validate(data: ComplaintInput) -> None:
    if data.category not in ComplaintCategory.values:
        raise ServiceError(_("请选择投诉类别"), field="category")
    if not (data.target or "").strip():
        raise ServiceError(_("请填写被投诉账号的 ID 或主页链接"), field="target")
    if len(data.target.strip()) > 300:
        raise ServiceError(_("被投诉账号最长 %(n)d 个字符") % {"n": 300}, field="target")
    description = (data.description or "").strip()
    if len(description) < 5:
        raise ServiceError(_("请描述投诉内容（至少 %(n)d 个字）") % {"n": 5}, field="description")
    if len(description) > 2000:
        raise ServiceError(_("投诉内容最长 %(n)d 个字") % {"n": 2000}, field="description")
    if len(data.evidence) > conf.evidence_max_files():
        raise ServiceError(_("证据图片最多 %(n)d 张") % {"n": conf.evidence_max_files()}, field="evidence")


def _check_actor(actor, data: ComplaintInput) -> ApiClient | None:
    """Anyone may complain (Art 19), each through their own door: the public page files as the
    system (``None``), a platform client forwards reports with the ``complaints:write`` scope, and
    a platform report comes from a platform client only. Staff use the public page like anyone."""
    require_actor(actor, scope="complaints:write", system=True)
    is_client = isinstance(actor, ApiClient)
    if is_client != (data.source == ComplaintSource.API):
        raise ServiceError(_("平台举报须由平台接口客户端转交"), field="source", code="forbidden", status=403)
    return actor if is_client else None


def _prepare(actor, data: ComplaintInput) -> _Intake:
    api_client = _check_actor(actor, data)
    _validate(data)
    contact, contact_masked = normalise_contact(data.contact)
    images = [clean_image(raw, field=f"evidence.{i}") for i, raw in enumerate(data.evidence)]
    account, target_key = resolve_target(data.target)
    if data.source == ComplaintSource.WEB:
        ratelimit.check("target", crypto.keyed_hash("target", target_key),
                        _("该账号近期已收到较多投诉，正在处理中，请稍后再试"))
    return _Intake(data=data, api_client=api_client, account=account, target_key=target_key, contact=contact,
                   contact_masked=contact_masked, contact_hash=crypto.keyed_hash("contact", contact) if contact else "",
                   ip_hash=ratelimit.ip_key(data.ip) if data.ip else "", images=images)


def _replayed(intake: _Intake) -> Complaint | None:
    """A platform report already received under the same ``external_ref`` (a retry)."""
    if intake.api_client is None or not intake.data.external_ref:
        return None
    return Complaint.objects.filter(api_client=intake.api_client, external_ref=intake.data.external_ref[:64]).first()


def _open_primary(intake: _Intake, now) -> Complaint | None:
    """The open complaint about the same account and category received within the duplicate
    window, if any: a new one is merged into it at once."""
    window_start = now - timezone.timedelta(days=conf.duplicate_window_days())
    return (Complaint.objects.select_for_update(of=("self",))
            .filter(target_key=intake.target_key, category=intake.data.category, status__in=MERGEABLE_INTO,
                    received_at__gte=window_start, merged_into__isnull=True)
            .order_by("received_at").first())


def _new_complaint(intake: _Intake, now) -> Complaint:
    data = intake.data
    accept_days, feedback_days = policy_days(data.category)
    cal = workdays.calendar()
    accept = workdays.deadline(now, accept_days, cal=cal)
    feedback = workdays.deadline(now, feedback_days, cal=cal)
    hashes = [h for h in (intake.contact_hash, intake.ip_hash) if h]
    complaint = Complaint(
        tracking_code=new_tracking_code(), category=data.category, source=data.source,
        api_client=intake.api_client, external_ref=(data.external_ref or "")[:64],
        account=intake.account, target_text=data.target.strip()[:300], target_key=intake.target_key,
        description=data.description.strip(),
        contact_encrypted=crypto.encrypt(intake.contact) if intake.contact else "",
        contact_masked=intake.contact_masked, contact_hash=intake.contact_hash, reporter_ip_hash=intake.ip_hash,
        received_at=now, accept_days=accept_days, feedback_days=feedback_days,
        accept_due_at=accept.due_at, feedback_due_at=feedback.due_at, calendar_warning=deadline_warning(accept, feedback),
        deprioritised=bool(hashes) and ReporterFlag.objects.filter(key_hash__in=hashes, is_active=True).exists(),
    )
    return complaint


def _record_receipt(actor, intake: _Intake, complaint: Complaint, primary: Complaint | None) -> None:
    record("complaint.received", actor=actor, subject=complaint, new={
        "category": complaint.category, "source": complaint.source, "target": intake.target_key,
        "account_id": complaint.account_id, "evidence": len(intake.images),
        "has_contact": bool(intake.contact), "deprioritised": complaint.deprioritised,
        "accept_due_at": complaint.accept_due_at, "feedback_due_at": complaint.feedback_due_at,
        "calendar_warning": complaint.calendar_warning,
    })
    if primary is not None:
        Complaint.objects.filter(pk=primary.pk).update(report_count=F("report_count") + 1)
        record("complaint.merged", actor=actor, subject=complaint, old={"status": ComplaintStatus.RECEIVED},
               new={"status": ComplaintStatus.MERGED, "into_id": primary.pk, "automatic": True})


def _receive(actor, intake: _Intake) -> tuple[Complaint, bool]:
    """Write the complaint under a lock on its account and category (so two reports of the same
    thing merge instead of both opening), replaying a platform retry that won the race."""
    with transaction.atomic():
        _advisory_lock(f"complaint:{intake.target_key}:{intake.data.category}")
        existing = _replayed(intake)
        if existing is not None:
            return existing, False
        now = timezone.now()
        primary = _open_primary(intake, now)
        complaint = _new_complaint(intake, now)
        if primary is not None:
            complaint.status, complaint.merged_into = ComplaintStatus.MERGED, primary
        set_clock(complaint, now)
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError:
            # The same external_ref committed meanwhile under another target or category (the
            # advisory lock covered only ours): that report is the answer, as for a retry.
            existing = _replayed(intake)
            if existing is None:
                raise
            return existing, False
        save_evidence(complaint, intake.images)
        _record_receipt(actor, intake, complaint, primary)
    return complaint, True


def complaint_submit(*, actor, data: ComplaintInput) -> tuple[Complaint, bool]:
    """Receive a complaint from the public page or the platform API (Art 19: 受理).

    Returns ``(complaint, created)``; a platform report already received under the same
    ``external_ref`` is returned as is, also when the retries arrive at the same moment. A
    complaint about the same account and category as an open one received within the duplicate
    window is merged into it at once: the complainant keeps their own tracking code and gets the
    same feedback.

    Who: see ``_check_actor``. The per-address limit on the public page is counted at the web
    boundary, before the request body is read (``complaints.middleware``); the per-account
    limit, which needs the resolved target, is counted here for web complaints.
    """
    intake = _prepare(actor, data)
    existing = _replayed(intake)
    if existing is not None:
        return existing, False
    return _receive(actor, intake)
