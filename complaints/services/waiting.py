"""Waiting for the complainant: asking them for more stops the clock, and resuming (their reply,
or staff going on without it) moves the deadlines by the working days the complaint waited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints import conf
from complaints.choices import ComplaintStatus
from complaints.evidence import clean_image
from complaints.models import Complaint
from complaints.services.deadlines import _merge_warning, _set_clock
from complaints.services.guards import _bounded_text, _ensure_can_act, _is_staff_user, _lock, _transition
from complaints.services.intake import _save_evidence
from core import workdays
from core.audit import record
from core.errors import ServiceError


@transaction.atomic
def complaint_request_info(*, actor, complaint: Complaint, question: str) -> Complaint:
    """Ask the complainant for more (shown on their status page); the clock stops meanwhile."""
    question = _bounded_text(question, field="question", required="请填写需要投诉人补充的内容（至少 4 个字）")
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.WAITING)
    now = timezone.now()
    complaint.resume_status, complaint.paused_at, complaint.question = old, now, question
    _set_clock(complaint, now)
    complaint.save()
    record("complaint.paused", actor=actor, subject=complaint, old={"status": old},
           new={"status": ComplaintStatus.WAITING, "question": question})
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
        if complaint.status != ComplaintStatus.WAITING:
            raise ServiceError("此投诉不在等待补充状态", field="status", code="illegal_transition", status=409)
        if _is_staff_user(actor):
            _ensure_can_act(actor, complaint)
        target = complaint.resume_status or ComplaintStatus.RECEIVED
        old = _transition(complaint, target)
        now = timezone.now()
        cal = workdays.calendar()
        paused = max(0, workdays.working_days_between(complaint.paused_at or now, now, cal=cal))
        warnings = [complaint.calendar_warning]
        if paused:
            if target == ComplaintStatus.RECEIVED:
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
