"""Every state change of a complaint (Art 19: 受理、甄别、处置、反馈), one transaction each, audited.

The lifecycle and its allowed transitions are in ``complaints.choices.TRANSITIONS``. Deadlines
are counted on the Chinese working-day calendar (``core.workdays``); waiting for the complainant
pauses the clock and the pause is added back on resumption.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from accounts.services import ServiceError
from complaints import conf, ratelimit
from complaints.choices import (
    CATEGORY_ARTICLE,
    DEFAULT_ACCEPT_DAYS,
    DEFAULT_FEEDBACK_DAYS,
    MAX_FEEDBACK_DAYS,
    MERGEABLE_INTO,
    OPEN_STATUSES,
    TRANSITIONS,
    ComplaintCategory,
    ComplaintSource,
    ComplaintStatus,
    DeadlineKind,
    NoticeChannel,
    ScreeningResult,
    SlaFlag,
)
from complaints.evidence import CleanImage, clean_image
from complaints.models import (
    ComplainantNotice,
    Complaint,
    ComplaintEvidence,
    ReporterFlag,
    SlaAlert,
    SlaPolicy,
)
from core import crypto, workdays
from core.audit import record
from core.jobs import enqueue

S = ComplaintStatus

OUTCOME_VIOLATION = "经核查，被投诉账号的账号信息存在违反《互联网用户账号信息管理规定》的情形，平台已依法依约采取处置措施。感谢您的监督。"
OUTCOME_NO_VIOLATION = "经核查，暂未发现被投诉账号的账号信息存在您反映的违规情形。如有新的证据，欢迎再次投诉。"
OUTCOME_HANDLED = "您的投诉已处理完毕。感谢您的监督。"

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# ---------------------------------------------------------------------------------------------
# Helpers


def _new_tracking_code() -> str:
    """``QL-XXXX-XXXX-XXXX``: ~59 random bits, so a code cannot be guessed from another."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"QL-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_tracking_code(value: str) -> str:
    raw = re.sub(r"[^A-Z0-9]", "", (value or "").upper())
    if raw.startswith("QL"):
        raw = raw[2:]
    if len(raw) != 12:
        return ""
    return f"QL-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


_UID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def resolve_target(text: str) -> tuple[Account | None, str]:
    """The account a complaint names (a uid or a profile link), and the key used for duplicates.

    Unknown uids are kept as text: the complaint is still received and a person looks at it.
    """
    text = (text or "").strip()
    candidates = [text]
    if "://" in text or text.startswith("www."):
        parsed = urlparse(text if "://" in text else f"https://{text}")
        query = parse_qs(parsed.query)
        for key in ("uid", "id", "user", "u"):
            candidates.extend(query.get(key, []))
        segments = [s for s in parsed.path.split("/") if s]
        if segments:
            candidates.append(segments[-1])
    candidates = [c for c in candidates if _UID_RE.match(c)]
    if candidates:
        account = Account.objects.filter(uid__in=candidates).only("id", "uid", "name").first()
        if account is not None:
            return account, account.uid
    key = text.lower().rstrip("/")
    return None, key[:200]


_MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")


def normalise_contact(value: str) -> tuple[str, str]:
    """(normalised contact, masked form) for a mainland mobile number or an e-mail address."""
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if not value:
        return "", ""
    if _MOBILE_RE.match(value):
        digits = value[-11:]
        return digits, f"{digits[:3]}****{digits[-4:]}"
    if _EMAIL_RE.match(value) and len(value) <= 254:
        local, _sep, domain = value.lower().partition("@")
        return f"{local}@{domain}", f"{local[:1]}***@{domain}"
    raise ServiceError("联系方式请填写中国大陆手机号码或电子邮箱", field="contact")


def _policy_days(category: str) -> tuple[int, int]:
    row = SlaPolicy.objects.filter(category=category).values_list("accept_days", "feedback_days").first()
    return row if row else (DEFAULT_ACCEPT_DAYS, DEFAULT_FEEDBACK_DAYS)


def _merge_warning(*parts: str) -> str:
    years = sorted({y for p in parts for y in p.split(",") if y})
    return ",".join(years)[:40]


def _warning(*deadlines: workdays.Deadline) -> str:
    return _merge_warning(*(",".join(str(y) for y in d.years_without_data) for d in deadlines))


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _transition(complaint: Complaint, new_status: str) -> str:
    old = complaint.status
    if new_status not in TRANSITIONS[old]:
        raise ServiceError(
            f"投诉状态不能从「{S(old).label}」变为「{S(new_status).label}」",
            field="status", code="illegal_transition", status=409,
        )
    complaint.status = new_status
    return old


def _is_staff_user(actor) -> bool:
    return actor is not None and hasattr(actor, "has_perm") and getattr(actor, "pk", None) is not None


def _ensure_can_act(actor, complaint: Complaint) -> None:
    """A complaint claimed by someone else is theirs, unless a supervisor steps in."""
    if not _is_staff_user(actor):
        return
    if complaint.assignee_id and complaint.assignee_id != actor.pk and not actor.has_perm(
            "complaints.reassign_complaint"):
        raise ServiceError("此投诉已由其他人认领", field="assignee", code="claimed_by_other", status=409)
    if complaint.assignee_id is None:
        complaint.assignee = actor
        complaint.claimed_at = timezone.now()


def flag_for(due_at, now, cal: workdays.WorkCalendar | None = None) -> str:
    """OK, due soon (by the end of the next working day) or overdue."""
    if due_at is None:
        return SlaFlag.OK
    if due_at < now:
        return SlaFlag.OVERDUE
    soon = workdays.end_of_day(workdays.add_working_days(timezone.localdate(now), 1, cal=cal))
    return SlaFlag.DUE_SOON if due_at <= soon else SlaFlag.OK


def _set_clock(complaint: Complaint, now) -> None:
    """Point ``next_due_at`` at the deadline staff face now, and refresh the flag."""
    if complaint.status == S.RECEIVED:
        complaint.next_due_at = complaint.accept_due_at
    elif complaint.status in (S.ACCEPTED, S.SCREENING, S.HANDLING):
        complaint.next_due_at = complaint.feedback_due_at
    else:
        complaint.next_due_at = None
    complaint.sla_flag = flag_for(complaint.next_due_at, now)


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


def _root(complaint: Complaint) -> Complaint:
    seen = set()
    while complaint.merged_into_id and complaint.pk not in seen:
        seen.add(complaint.pk)
        complaint = complaint.merged_into
    return complaint


# ---------------------------------------------------------------------------------------------
# Intake


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
            complaint.status = S.MERGED
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
            record("complaint.merged", actor=actor, subject=complaint, old={"status": S.RECEIVED},
                   new={"status": S.MERGED, "into_id": primary.pk, "automatic": True})
    return complaint, True


# ---------------------------------------------------------------------------------------------
# Claiming


@transaction.atomic
def complaint_claim(*, actor, complaint: Complaint) -> Complaint:
    """Take a complaint to work on; one person at a time."""
    complaint = _lock(complaint)
    if complaint.assignee_id == actor.pk:
        return complaint
    if complaint.assignee_id and not actor.has_perm("complaints.reassign_complaint"):
        raise ServiceError("此投诉已由其他人认领", field="assignee", code="claimed_by_other", status=409)
    old = complaint.assignee.username if complaint.assignee_id else None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": old},
           new={"assignee": actor.username})
    return complaint


@transaction.atomic
def complaint_release(*, actor, complaint: Complaint) -> Complaint:
    """Give a claimed complaint back to the queue."""
    complaint = _lock(complaint)
    if complaint.assignee_id is None:
        return complaint
    _ensure_can_act(actor, complaint)
    old = complaint.assignee.username
    complaint.assignee, complaint.claimed_at = None, None
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.released", actor=actor, subject=complaint, old={"assignee": old}, new={"assignee": None})
    return complaint


@transaction.atomic
def complaint_claim_next(*, actor) -> Complaint | None:
    """Hand the most urgent unclaimed open complaint to ``actor`` (skipping rows others are
    claiming at this instant)."""
    qs = (Complaint.objects.filter(assignee__isnull=True, status__in=[S.RECEIVED, S.ACCEPTED, S.SCREENING, S.HANDLING])
          .order_by("deprioritised", "next_due_at", "id"))
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    complaint = qs.first()
    if complaint is None:
        return None
    complaint.assignee, complaint.claimed_at = actor, timezone.now()
    complaint.save(update_fields=["assignee", "claimed_at"])
    record("complaint.claimed", actor=actor, subject=complaint, old={"assignee": None},
           new={"assignee": actor.username, "next": True})
    return complaint


# ---------------------------------------------------------------------------------------------
# Acceptance (受理)


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint) -> Complaint:
    """Accept a received complaint for screening; the feedback clock keeps running from receipt."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.ACCEPTED)
    now = timezone.now()
    complaint.accepted_at = now
    complaint.accept_on_time = now <= complaint.accept_due_at
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.accepted", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "on_time": complaint.accept_on_time})
    return complaint


def _bounded_text(value: str | None, *, field: str, min_length: int = 4, max_length: int = 500,
                  required: str = "") -> str:
    """Free text a complainant will read or the audit log will keep: stripped, 4–500 characters."""
    value = (value or "").strip()
    if len(value) < min_length:
        raise ServiceError(required or f"至少 {min_length} 个字", field=field)
    if len(value) > max_length:
        raise ServiceError(f"不能超过 {max_length} 个字", field=field)
    return value


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Decline to accept (不予受理), with a reason the complainant sees as the answer."""
    reason = _bounded_text(reason, field="reason", required="请填写不予受理的理由（至少 4 个字）")
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.REJECTED)
    now = timezone.now()
    complaint.accepted_at = now
    complaint.accept_on_time = now <= complaint.accept_due_at
    complaint.reject_reason = reason
    _record_feedback(complaint, f"您的投诉不予受理。理由：{reason}", now)
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.rejected", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "reason": reason, "on_time": complaint.accept_on_time})
    _queue_notices(complaint)
    return complaint


# ---------------------------------------------------------------------------------------------
# Screening (甄别) and merging


@transaction.atomic
def complaint_start_screening(*, actor, complaint: Complaint) -> Complaint:
    """Begin checking whether the complaint is substantiated."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.SCREENING)
    now = timezone.now()
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.screening_started", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status})
    return complaint


def complaint_screen(*, actor, complaint: Complaint, result: str, note: str = "", outcome: str = "",
                     duplicate_of: Complaint | None = None) -> Complaint:
    """Record the screening result: valid → handling (a review case is opened or joined);
    invalid → feedback to the complainant; duplicate → merged into the earlier complaint."""
    if result not in ScreeningResult.values:
        raise ServiceError("请选择甄别结论", field="result")
    if complaint.status != S.SCREENING:
        raise ServiceError(f"只有甄别中的投诉可以提交甄别结论（当前：{S(complaint.status).label}）",
                           field="status", code="illegal_transition", status=409)
    if result == ScreeningResult.DUPLICATE:
        if duplicate_of is None:
            raise ServiceError("请填写重复的投诉查询码", field="duplicate_of")
        return complaint_merge(actor=actor, complaint=complaint, into=duplicate_of, note=note)
    with transaction.atomic():
        complaint = _lock(complaint)
        _ensure_can_act(actor, complaint)
        now = timezone.now()
        complaint.screening_result, complaint.screened_at = result, now
        if note:
            complaint.staff_note = (complaint.staff_note + "\n" + note).strip()[:4000]
        if result == ScreeningResult.VALID:
            old = _transition(complaint, S.HANDLING)
            complaint.handling_at = now
            _set_clock(complaint, now)
            complaint.save()
            record("complaint.screened", actor=actor, subject=complaint, old={"status": old},
                   new={"status": complaint.status, "result": result})
            _open_review_case(actor=actor, complaint=complaint)
            return complaint
        old = _transition(complaint, S.FEEDBACK_SENT)
        _record_feedback(complaint, (outcome or "").strip() or OUTCOME_NO_VIOLATION, now)
        _set_clock(complaint, now)
        complaint.save()
        record("complaint.screened", actor=actor, subject=complaint, old={"status": old},
               new={"status": complaint.status, "result": result, "on_time": complaint.feedback_on_time})
        _propagate_feedback(actor, complaint, now)
        _queue_notices(complaint)
        return complaint


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint, note: str = "") -> Complaint:
    """Merge a duplicate into the complaint already being worked on about the same thing; the
    duplicate's complainant is answered when the primary is."""
    note = _bounded_text(note, field="note", min_length=0)
    complaint = _lock(complaint)
    into = _root(Complaint.objects.select_related("merged_into").get(pk=into.pk))
    if into.pk == complaint.pk:
        raise ServiceError("不能合并到自身", field="duplicate_of", code="merge_self", status=409)
    if into.status not in MERGEABLE_INTO:
        raise ServiceError("只能合并到仍在处理中的投诉", field="duplicate_of", code="merge_closed", status=409)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.MERGED)
    now = timezone.now()
    complaint.merged_into = into
    complaint.screening_result = ScreeningResult.DUPLICATE if old == S.SCREENING else complaint.screening_result
    if note:
        complaint.staff_note = (complaint.staff_note + "\n" + note).strip()[:4000]
    _set_clock(complaint, now)
    complaint.save()
    # the duplicate's own duplicates follow it to the primary
    moved = Complaint.objects.filter(merged_into=complaint).update(merged_into=into)
    Complaint.objects.filter(pk=into.pk).update(report_count=F("report_count") + complaint.report_count)
    record("complaint.merged", actor=actor, subject=complaint, old={"status": old},
           new={"status": S.MERGED, "into_id": into.pk, "moved_children": moved})
    return complaint


# ---------------------------------------------------------------------------------------------
# Handling (处置): the link to moderation's review cases


def _open_review_case(*, actor, complaint: Complaint):
    """Open or join the review case for the complained-about account (moderation app).

    moderation is a higher-level sibling built separately; it is imported lazily and used only
    if its ``case_open`` exists, so complaints work (handled by hand) without it.
    """
    if complaint.account_id is None:
        return None
    from django.apps import apps

    if not apps.is_installed("moderation"):
        return None
    try:
        from moderation import services as moderation_services
    except ImportError:
        return None
    case_open = getattr(moderation_services, "case_open", None)
    if case_open is None:
        return None
    label = str(ComplaintCategory(complaint.category).label)
    findings = [{"article": CATEGORY_ARTICLE.get(complaint.category, ""), "rule": f"complaint.{complaint.category}",
                 "field": "", "span": [0, 0], "matched": "", "term": complaint.category, "evasion": [],
                 "severity": "review", "explanation": f"用户投诉：{label}（投诉 #{complaint.pk}）"}]
    case = case_open(actor=actor, account=complaint.account, reason="complaint", source=f"complaint:{complaint.pk}",
                     findings=findings, complaint=complaint)
    if case is not None and complaint.review_case_id != case.pk:
        complaint.review_case_id = case.pk
        complaint.save(update_fields=["review_case_id"])
        record("complaint.case_linked", actor=actor, subject=complaint, new={"review_case_id": case.pk})
    return case


@transaction.atomic
def complaint_link_case(*, actor, complaint: Complaint):
    """(Re)open or join the review case of a complaint in handling, e.g. after the account was
    identified by hand or when moderation was not yet available."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    if complaint.status != S.HANDLING:
        raise ServiceError("只有处置中的投诉可以关联审核工单", field="status", code="illegal_transition", status=409)
    if complaint.account_id is None:
        raise ServiceError("被投诉账号未能识别，无法关联审核工单", field="account", code="no_account", status=409)
    case = _open_review_case(actor=actor, complaint=complaint)
    if case is None:
        raise ServiceError("审核工单功能暂不可用", code="moderation_unavailable", status=503)
    return case


def _outcome_from_case(case) -> str:
    text = str(getattr(case, "complaint_feedback", "") or "").strip()
    if text:
        return text
    decision = str(getattr(case, "decision", "") or "").lower()
    measures = getattr(case, "measures", None)
    has_measures = False
    if measures is not None and hasattr(measures, "exists"):
        try:
            has_measures = measures.exists()
        except Exception:  # noqa: BLE001 - an unfamiliar relation must not block feedback
            has_measures = False
    violation = {"reject", "rejected", "measure", "apply_measure", "warning", "correction_order", "restrict",
                 "suspend", "close", "ban_reregistration", "violation"}
    clean = {"approve", "approved", "approve_with_label", "dismiss", "dismissed", "no_action", "no_violation"}
    if has_measures or decision in violation:
        return OUTCOME_VIOLATION
    if decision in clean:
        return OUTCOME_NO_VIOLATION
    return OUTCOME_HANDLED


def complaint_case_decided(*, case, actor) -> list[Complaint]:
    """Hook called by moderation when a review case is decided: every complaint in handling that
    is linked to it gets its feedback (text derived from the decision, never its details)."""
    outcome = _outcome_from_case(case)
    done = []
    for complaint in Complaint.objects.filter(review_case_id=case.pk, status=S.HANDLING).order_by("id"):
        done.append(complaint_send_feedback(actor=actor, complaint=complaint, outcome=outcome, force=True))
    return done


# ---------------------------------------------------------------------------------------------
# Feedback (反馈) and closing


def _record_feedback(complaint: Complaint, outcome: str, now) -> None:
    cal = workdays.calendar()
    complaint.outcome = outcome[:2000]
    complaint.feedback_sent_at = now
    complaint.feedback_on_time = now <= complaint.feedback_due_at
    elapsed = workdays.working_days_between(complaint.received_at, now, cal=cal)
    complaint.feedback_working_days = max(0, elapsed - complaint.paused_working_days)


def _propagate_feedback(actor, primary: Complaint, now) -> None:
    """Merged duplicates get the same answer as the complaint they were merged into."""
    for child in Complaint.objects.select_for_update(of=("self",)).filter(merged_into=primary, status=S.MERGED):
        old = _transition(child, S.FEEDBACK_SENT)
        _record_feedback(child, primary.outcome, now)
        _set_clock(child, now)
        child.save()
        record("complaint.feedback_sent", actor=actor, subject=child, old={"status": old},
               new={"status": child.status, "via_id": primary.pk, "on_time": child.feedback_on_time})
        _queue_notices(child)


def _queue_notices(complaint: Complaint) -> None:
    channels = []
    if complaint.source == ComplaintSource.API and complaint.api_client_id:
        channels.append(NoticeChannel.PLATFORM)
    if complaint.contact_encrypted:
        channels.append(NoticeChannel.CONTACT)
    for channel in channels:
        notice = ComplainantNotice.objects.create(complaint=complaint, channel=channel, body=complaint.outcome)
        enqueue("complaints.jobs.deliver_notice", notice.pk, queue="default", retry=(60, 300, 1800))


@transaction.atomic
def complaint_send_feedback(*, actor, complaint: Complaint, outcome: str, force: bool = False) -> Complaint:
    """Tell the complainant the result (Art 19: 反馈) on the status page and, where possible, as a
    notice; merged duplicates get the same answer."""
    outcome = (outcome or "").strip()
    if len(outcome) < 4:
        raise ServiceError("请填写向投诉人反馈的处理结果（至少 4 个字）", field="outcome")
    complaint = _lock(complaint)
    if not force:
        _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.FEEDBACK_SENT)
    now = timezone.now()
    _record_feedback(complaint, outcome, now)
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.feedback_sent", actor=actor, subject=complaint, old={"status": old},
           new={"status": complaint.status, "on_time": complaint.feedback_on_time,
                "working_days": complaint.feedback_working_days})
    _propagate_feedback(actor, complaint, now)
    _queue_notices(complaint)
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint) -> Complaint:
    """File away an answered (or not accepted) complaint; merged duplicates close with it."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.CLOSED)
    now = timezone.now()
    complaint.closed_at = now
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.closed", actor=actor, subject=complaint, old={"status": old}, new={"status": S.CLOSED})
    for child in Complaint.objects.select_for_update(of=("self",)).filter(
            merged_into=complaint, status=S.FEEDBACK_SENT):
        child_old = _transition(child, S.CLOSED)
        child.closed_at = now
        child.save(update_fields=["status", "closed_at"])
        record("complaint.closed", actor=actor, subject=child, old={"status": child_old},
               new={"status": S.CLOSED, "via_id": complaint.pk})
    return complaint


# ---------------------------------------------------------------------------------------------
# Waiting for the complainant: the clock pauses


@transaction.atomic
def complaint_request_info(*, actor, complaint: Complaint, question: str) -> Complaint:
    """Ask the complainant for more (shown on their status page); the clock stops meanwhile."""
    question = _bounded_text(question, field="question", required="请填写需要投诉人补充的内容（至少 4 个字）")
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, S.WAITING)
    now = timezone.now()
    complaint.resume_status, complaint.paused_at, complaint.question = old, now, question
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.paused", actor=actor, subject=complaint, old={"status": old},
           new={"status": S.WAITING, "question": question})
    return complaint


def complaint_resume(*, actor, complaint: Complaint, reply: str = "", evidence: list[bytes] | None = None) -> Complaint:
    """Restart the clock: the complainant replied (``actor=None``) or staff go on without it.

    Deadlines move by the working days the complaint waited: those after the day it paused up to
    and including the day it resumed.
    """
    reply = (reply or "").strip()
    if len(reply) > 2000:
        raise ServiceError("补充说明最长 2000 个字", field="reply")
    images = [clean_image(raw, field=f"evidence.{i}") for i, raw in enumerate(evidence or [])]
    if len(images) > conf.evidence_max_files():
        raise ServiceError(f"证据图片最多 {conf.evidence_max_files()} 张", field="evidence")
    with transaction.atomic():
        complaint = _lock(complaint)
        if complaint.status != S.WAITING:
            raise ServiceError("此投诉不在等待补充状态", field="status", code="illegal_transition", status=409)
        if _is_staff_user(actor):
            _ensure_can_act(actor, complaint)
        target = complaint.resume_status or S.RECEIVED
        old = _transition(complaint, target)
        now = timezone.now()
        cal = workdays.calendar()
        paused = max(0, workdays.working_days_between(complaint.paused_at or now, now, cal=cal))
        warnings = [complaint.calendar_warning]
        if paused:
            if target == S.RECEIVED:
                accept = workdays.deadline(complaint.accept_due_at, paused, cal=cal)
                complaint.accept_due_at = accept.due_at
                warnings.append(",".join(map(str, accept.years_without_data)))
            feedback = workdays.deadline(complaint.feedback_due_at, paused, cal=cal)
            complaint.feedback_due_at = feedback.due_at
            warnings.append(",".join(map(str, feedback.years_without_data)))
        complaint.calendar_warning = _merge_warning(*warnings)
        complaint.paused_working_days += paused
        complaint.paused_at, complaint.resume_status = None, ""
        if reply:
            stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
            complaint.complainant_reply = (complaint.complainant_reply + f"\n[{stamp}] {reply}").strip()[:2000]
        _set_clock(complaint, now)
        complaint.save()
        _save_evidence(complaint, images, from_reply=True)
        record("complaint.resumed", actor=actor, subject=complaint, old={"status": old}, new={
            "status": target, "paused_working_days": paused, "by_complainant": not _is_staff_user(actor),
            "accept_due_at": complaint.accept_due_at, "feedback_due_at": complaint.feedback_due_at,
            "evidence": len(images)})
    return complaint


# ---------------------------------------------------------------------------------------------
# Abuse: bad-faith reporters


@transaction.atomic
def complaint_mark_bad_faith(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """A supervisor marks the reporter of ``complaint`` as filing in bad faith: their open and
    future complaints sort after everyone else's (still received, still answered)."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ServiceError("请填写理由（至少 4 个字）", field="reason")
    complaint = _lock(complaint)
    hashes = []
    for kind, key in ((ReporterFlag.Kind.CONTACT, complaint.contact_hash), (ReporterFlag.Kind.IP, complaint.reporter_ip_hash)):
        if key:
            ReporterFlag.objects.update_or_create(kind=kind, key_hash=key, defaults={
                "reason": reason[:300], "complaint": complaint, "flagged_by": actor, "is_active": True})
            hashes.append(key)
    complaint.bad_faith = True
    complaint.deprioritised = True
    complaint.save(update_fields=["bad_faith", "deprioritised"])
    affected = 0
    if hashes:
        affected = Complaint.objects.filter(status__in=OPEN_STATUSES, deprioritised=False).filter(
            _reporter_q(hashes)).update(deprioritised=True)
    record("complaint.bad_faith_marked", actor=actor, subject=complaint,
           new={"reason": reason, "flags": len(hashes), "deprioritised_open": affected})
    return complaint


def _reporter_q(hashes: list[str]) -> Q:
    return Q(contact_hash__in=hashes) | Q(reporter_ip_hash__in=hashes)


@transaction.atomic
def complaint_reveal_contact(*, actor, complaint: Complaint, reason: str) -> str:
    """Show the complainant's full contact to a permitted supervisor, with a recorded reason (Art 16)."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ServiceError("请填写查看理由（至少 4 个字）", field="reason")
    if not actor.has_perm("complaints.reveal_contact"):
        raise ServiceError("没有查看完整联系方式的权限", code="forbidden", status=403)
    if not complaint.contact_encrypted:
        raise ServiceError("投诉人未留联系方式", field="contact", code="no_contact", status=404)
    record("complaint.contact_revealed", actor=actor, subject=complaint,
           new={"masked": complaint.contact_masked, "reason": reason})
    return crypto.decrypt(complaint.contact_encrypted)


# ---------------------------------------------------------------------------------------------
# SLA: policies, flags, alerts


@transaction.atomic
def sla_policy_update(*, actor, category: str, accept_days: int, feedback_days: int) -> SlaPolicy:
    """Change a category's time limits; applies to complaints received from now on."""
    if category not in ComplaintCategory.values:
        raise ServiceError("未知的投诉类别", field="category")
    if not 0 <= accept_days <= 5:
        raise ServiceError("受理时限应为 0–5 个工作日", field="accept_days")
    if not 1 <= feedback_days <= MAX_FEEDBACK_DAYS:
        raise ServiceError(f"反馈时限应为 1–{MAX_FEEDBACK_DAYS} 个工作日", field="feedback_days")
    if accept_days > feedback_days:
        raise ServiceError("受理时限不能长于反馈时限", field="accept_days")
    policy = SlaPolicy.objects.select_for_update().filter(category=category).first()
    old = {"accept_days": policy.accept_days, "feedback_days": policy.feedback_days} if policy else None
    if old == {"accept_days": accept_days, "feedback_days": feedback_days}:
        return policy
    policy, _created = SlaPolicy.objects.update_or_create(category=category, defaults={
        "accept_days": accept_days, "feedback_days": feedback_days,
        "updated_by": actor if _is_staff_user(actor) else None})
    record("sla_policy.updated", actor=actor, subject=policy, old=old,
           new={"category": category, "accept_days": accept_days, "feedback_days": feedback_days})
    return policy


@transaction.atomic
def complaint_flag_sla(*, actor, complaint: Complaint, now=None, cal=None) -> str | None:
    """Mark a complaint due soon or overdue and leave an alert for supervisors (the sweep)."""
    complaint = _lock(complaint)
    now = now or timezone.now()
    flag = flag_for(complaint.next_due_at, now, cal)
    if flag == complaint.sla_flag:
        return None
    old = complaint.sla_flag
    complaint.sla_flag = flag
    complaint.save(update_fields=["sla_flag"])
    if flag != SlaFlag.OK:
        deadline = DeadlineKind.ACCEPT if complaint.status == S.RECEIVED else DeadlineKind.FEEDBACK
        SlaAlert.objects.get_or_create(complaint=complaint, deadline=deadline, level=flag,
                                       due_at=complaint.next_due_at)
    record("complaint.sla_flagged", actor=actor, subject=complaint, old={"sla_flag": old},
           new={"sla_flag": flag, "due_at": complaint.next_due_at})
    return flag


@transaction.atomic
def sla_alert_acknowledge(*, actor, alert: SlaAlert) -> SlaAlert:
    """A supervisor has seen an alert."""
    alert = SlaAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record("sla_alert.acknowledged", actor=actor, subject=alert.complaint,
               new={"alert_id": alert.pk, "level": alert.level, "deadline": alert.deadline})
    return alert
