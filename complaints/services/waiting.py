"""Waiting for the complainant: asking them for more stops the clock, and resuming (their reply,
or staff going on without it) moves the deadlines by the working days the complaint waited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.choices import ComplaintStatus
from complaints.evidence import clean_image
from complaints.models import Complaint
from complaints.services.deadlines import merge_warnings
from complaints.services.guards import (
    HANDLE,
    bounded_text,
    change_status,
    is_staff_user,
    lock_complaint,
    require_actor,
)
from complaints.services.intake import save_evidence
from core import workdays
from core.errors import ServiceError


@transaction.atomic
def complaint_request_info(*, actor, complaint: Complaint, question: str) -> Complaint:
    """Ask the complainant for more (shown on their status page); the clock stops meanwhile.

    Staff holding ``handle_complaint`` only (the assignee guard applies).
    """
    require_actor(actor, permission=HANDLE)
    question = bounded_text(question, field="question", required=_("请填写需要投诉人补充的内容（至少 4 个字）"))

    def paused(c, old, now):
        c.resume_status, c.paused_at, c.question = old, now, question
        return {"question": question}

    return change_status(actor, complaint, ComplaintStatus.WAITING, "complaint.paused", paused)


def _clean_reply(reply: str, evidence: list[bytes] | None) -> tuple[str, list]:
    reply = (reply or "").strip()
    if len(reply) > 2000:
        raise ServiceError(_("补充说明最长 %(n)d 个字") % {"n": 2000}, field="reply")
    images = [clean_image(raw, field=f"evidence.{i}") for i, raw in enumerate(evidence or [])]
    if len(images) > conf.evidence_max_files():
        raise ServiceError(_("证据图片最多 %(n)d 张") % {"n": conf.evidence_max_files()}, field="evidence")
    return reply, images


def _move_deadlines(complaint: Complaint, target: str, now) -> int:
    """Deadlines move by the working days waited: those after the day the complaint paused up to
    and including the day it resumed. Returns that number."""
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
    complaint.calendar_warning = merge_warnings(*warnings)
    complaint.paused_working_days += paused
    complaint.paused_at, complaint.resume_status = None, ""
    return paused


def complaint_resume(*, actor, complaint: Complaint, reply: str = "", evidence: list[bytes] | None = None) -> Complaint:
    """Restart the clock: the complainant replied or staff go on without it.

    Staff holding ``handle_complaint`` (the assignee guard applies), or ``None`` for the
    complainant replying on the public status page (they proved the tracking code). Platform
    clients are refused: no scope relays a complainant's reply.
    """
    require_actor(actor, permission=HANDLE, system=True)
    reply, images = _clean_reply(reply, evidence)
    with transaction.atomic():
        complaint = lock_complaint(complaint)
        if complaint.status != ComplaintStatus.WAITING:
            raise ServiceError(_("此投诉不在等待补充状态"), field="status", code="illegal_transition", status=409)
        target = complaint.resume_status or ComplaintStatus.RECEIVED

        def resumed(c, old, now):
            paused = _move_deadlines(c, target, now)
            if reply:
                stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
                c.complainant_reply = (c.complainant_reply + f"\n[{stamp}] {reply}").strip()[:2000]
            return {"paused_working_days": paused, "by_complainant": not is_staff_user(actor),
                    "accept_due_at": c.accept_due_at, "feedback_due_at": c.feedback_due_at,
                    "evidence": len(images)}

        complaint = change_status(actor, complaint, target, "complaint.resumed", resumed, locked=True)
        save_evidence(complaint, images, from_reply=True)
    return complaint
