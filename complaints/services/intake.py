"""Receiving a complaint (Art 19: 受理) from the public page or the platform API: validation, rate
limits, deadlines, evidence images, and the automatic merge of a duplicate into an open complaint
about the same account and category.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from complaints import conf, ratelimit
from complaints.choices import MERGEABLE_INTO, ComplaintCategory, ComplaintSource, ComplaintStatus
from complaints.evidence import CleanImage, clean_image
from complaints.models import Complaint, ComplaintEvidence, ReporterFlag
from complaints.services.deadlines import _policy_days, _set_clock, _warning
from complaints.services.normalise import _new_tracking_code, normalise_contact, resolve_target
from core import crypto, workdays
from core.audit import record
from core.errors import ServiceError


def _save_evidence(complaint: Complaint, images: list[CleanImage], *, from_reply: bool = False) -> None:
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


def _validate(data: ComplaintInput) -> None:
    if data.category not in ComplaintCategory.values:
        raise ServiceError("请选择投诉类别", field="category")
    if not (data.target or "").strip():
        raise ServiceError("请填写被投诉账号的 ID 或主页链接", field="target")
    if len(data.target.strip()) > 300:
        raise ServiceError("被投诉账号最长 300 个字符", field="target")
    description = (data.description or "").strip()
    if len(description) < 5:
        raise ServiceError("请描述投诉内容（至少 5 个字）", field="description")
    if len(description) > 2000:
        raise ServiceError("投诉内容最长 2000 个字", field="description")
    if len(data.evidence) > conf.evidence_max_files():
        raise ServiceError(f"证据图片最多 {conf.evidence_max_files()} 张", field="evidence")


def complaint_submit(*, actor, data: ComplaintInput) -> tuple[Complaint, bool]:
    """Receive a complaint from the public page or the platform API (Art 19: 受理).

    Returns ``(complaint, created)``; a platform report already received under the same
    ``external_ref`` is returned as is. A complaint about the same account and category as an open
    one received within the duplicate window is merged into it at once: the complainant keeps
    their own tracking code and gets the same feedback.
    """
    _validate(data)
    contact, contact_masked = normalise_contact(data.contact)
    images = [clean_image(raw, field=f"evidence.{i}") for i, raw in enumerate(data.evidence)]
    ip_hash = ratelimit.ip_key(data.ip) if data.ip else ""
    api_client = actor if data.source == ComplaintSource.API else None

    if data.source == ComplaintSource.API and data.external_ref and api_client is not None:
        existing = Complaint.objects.filter(api_client=api_client, external_ref=data.external_ref).first()
        if existing is not None:
            return existing, False

    account, target_key = resolve_target(data.target)
    if data.source == ComplaintSource.WEB:
        if ip_hash:
            ratelimit.check("ip", ip_hash, "提交过于频繁，请稍后再试")
        ratelimit.check("target", crypto.keyed_hash("target", target_key),
                        "该账号近期已收到较多投诉，正在处理中，请稍后再试")

    contact_hash = crypto.keyed_hash("contact", contact) if contact else ""
    accept_days, feedback_days = _policy_days(data.category)

    with transaction.atomic():
        _advisory_lock(f"complaint:{target_key}:{data.category}")
        now = timezone.now()
        cal = workdays.calendar()
        accept = workdays.deadline(now, accept_days, cal=cal)
        feedback = workdays.deadline(now, feedback_days, cal=cal)
        hashes = [h for h in (contact_hash, ip_hash) if h]
        deprioritised = bool(hashes) and ReporterFlag.objects.filter(key_hash__in=hashes, is_active=True).exists()
        window_start = now - timezone.timedelta(days=conf.duplicate_window_days())
        primary = (
            Complaint.objects.select_for_update(of=("self",))
            .filter(target_key=target_key, category=data.category, status__in=MERGEABLE_INTO,
                    received_at__gte=window_start, merged_into__isnull=True)
            .order_by("received_at").first()
        )
        complaint = Complaint(
            tracking_code=_new_tracking_code(), category=data.category, source=data.source,
            api_client=api_client, external_ref=(data.external_ref or "")[:64],
            account=account, target_text=data.target.strip()[:300], target_key=target_key,
            description=data.description.strip(),
            contact_encrypted=crypto.encrypt(contact) if contact else "", contact_masked=contact_masked,
            contact_hash=contact_hash, reporter_ip_hash=ip_hash,
            received_at=now, accept_days=accept_days, feedback_days=feedback_days,
            accept_due_at=accept.due_at, feedback_due_at=feedback.due_at,
            calendar_warning=_warning(accept, feedback), deprioritised=deprioritised,
        )
        if primary is not None:
            complaint.status = ComplaintStatus.MERGED
            complaint.merged_into = primary
        _set_clock(complaint, now)
        complaint.save()
        _save_evidence(complaint, images)
        record("complaint.received", actor=actor, subject=complaint, new={
            "category": data.category, "source": data.source, "target": target_key,
            "account_id": account.pk if account else None, "evidence": len(images),
            "has_contact": bool(contact), "deprioritised": deprioritised,
            "accept_due_at": accept.due_at, "feedback_due_at": feedback.due_at,
            "calendar_warning": complaint.calendar_warning,
        })
        if primary is not None:
            Complaint.objects.filter(pk=primary.pk).update(report_count=F("report_count") + 1)
            record("complaint.merged", actor=actor, subject=complaint, old={"status": ComplaintStatus.RECEIVED},
                   new={"status": ComplaintStatus.MERGED, "into_id": primary.pk, "automatic": True})
    return complaint, True
