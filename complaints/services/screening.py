"""Screening (甄别) and merging: start screening, record its result (valid goes to handling,
invalid is answered, duplicate is merged), and merge a duplicate into the complaint already being
worked on.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from complaints.choices import MERGEABLE_INTO, ComplaintStatus, ScreeningResult
from complaints.models import Complaint
from complaints.services.deadlines import _set_clock
from complaints.services.feedback import (
    OUTCOME_NO_VIOLATION,
    _propagate_feedback,
    _queue_notices,
    _record_feedback,
)
from complaints.services.guards import _bounded_text, _ensure_can_act, _lock, _transition
from complaints.services.review_cases import _open_review_case
from core.audit import record
from core.errors import ServiceError


def _root(complaint: Complaint) -> Complaint:
    seen = set()
    while complaint.merged_into_id and complaint.pk not in seen:
        seen.add(complaint.pk)
        complaint = complaint.merged_into
    return complaint


@transaction.atomic
def complaint_start_screening(*, actor, complaint: Complaint) -> Complaint:
    """Begin checking whether the complaint is substantiated."""
    complaint = _lock(complaint)
    _ensure_can_act(actor, complaint)
    old = _transition(complaint, ComplaintStatus.SCREENING)
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
    if complaint.status != ComplaintStatus.SCREENING:
        raise ServiceError(f"只有甄别中的投诉可以提交甄别结论（当前：{ComplaintStatus(complaint.status).label}）",
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
            old = _transition(complaint, ComplaintStatus.HANDLING)
            complaint.handling_at = now
            _set_clock(complaint, now)
            complaint.save()
            record("complaint.screened", actor=actor, subject=complaint, old={"status": old},
                   new={"status": complaint.status, "result": result})
            _open_review_case(actor=actor, complaint=complaint)
            return complaint
        old = _transition(complaint, ComplaintStatus.FEEDBACK_SENT)
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
    old = _transition(complaint, ComplaintStatus.MERGED)
    now = timezone.now()
    complaint.merged_into = into
    complaint.screening_result = ScreeningResult.DUPLICATE if old == ComplaintStatus.SCREENING else complaint.screening_result
    if note:
        complaint.staff_note = (complaint.staff_note + "\n" + note).strip()[:4000]
    _set_clock(complaint, now)
    complaint.save()
    # the duplicate's own duplicates follow it to the primary
    moved = Complaint.objects.filter(merged_into=complaint).update(merged_into=into)
    Complaint.objects.filter(pk=into.pk).update(report_count=F("report_count") + complaint.report_count)
    record("complaint.merged", actor=actor, subject=complaint, old={"status": old},
           new={"status": ComplaintStatus.MERGED, "into_id": into.pk, "moved_children": moved})
    return complaint
