"""Screening (甄别) and merging: start screening, record its result (valid goes to handling,
invalid is answered, duplicate is merged), and merge a duplicate into the complaint already being
worked on. Each is a person's judgement: staff holding ``handle_complaint`` only, with the
assignee guard; never the system or a platform client.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from complaints.choices import MERGEABLE_INTO, ComplaintStatus, ScreeningResult
from complaints.models import Complaint
from complaints.services.feedback import (
    OUTCOME_NO_VIOLATION,
    propagate_feedback,
    queue_notices,
    record_feedback,
)
from complaints.services.guards import HANDLE, bounded_text, change_status, lock_complaint, require_actor
from complaints.services.review_cases import open_review_case
from core.errors import ServiceError


def _root(complaint: Complaint) -> Complaint:
    seen = set()
    while complaint.merged_into_id and complaint.pk not in seen:
        seen.add(complaint.pk)
        complaint = complaint.merged_into
    return complaint


def _add_note(complaint: Complaint, note: str) -> None:
    if note:
        complaint.staff_note = (complaint.staff_note + "\n" + note).strip()[:4000]


@transaction.atomic
def complaint_start_screening(*, actor, complaint: Complaint) -> Complaint:
    """Begin checking whether the complaint is substantiated."""
    require_actor(actor, permission=HANDLE)
    return change_status(actor, complaint, ComplaintStatus.SCREENING, "complaint.screening_started")


def complaint_screen(*, actor, complaint: Complaint, result: str, note: str = "", outcome: str = "",
                     duplicate_of: Complaint | None = None) -> Complaint:
    """Record the screening result: valid → handling (a review case is opened or joined);
    invalid → feedback to the complainant; duplicate → merged into the earlier complaint."""
    require_actor(actor, permission=HANDLE)
    if result not in ScreeningResult.values:
        raise ServiceError(_("请选择甄别结论"), field="result")
    if complaint.status != ComplaintStatus.SCREENING:
        raise ServiceError(_("只有甄别中的投诉可以提交甄别结论（当前：%(status)s）") % {
            "status": ComplaintStatus(complaint.status).label}, field="status", code="illegal_transition", status=409)
    if result == ScreeningResult.DUPLICATE:
        if duplicate_of is None:
            raise ServiceError(_("请填写重复的投诉查询码"), field="duplicate_of")
        return complaint_merge(actor=actor, complaint=complaint, into=duplicate_of, note=note)
    with transaction.atomic():
        if result == ScreeningResult.VALID:
            return _screened_valid(actor, complaint, note)
        return _screened_invalid(actor, complaint, note, (outcome or "").strip() or OUTCOME_NO_VIOLATION)


def _screened(complaint: Complaint, result: str, note: str, now) -> None:
    complaint.screening_result, complaint.screened_at = result, now
    _add_note(complaint, note)


def _screened_valid(actor, complaint: Complaint, note: str) -> Complaint:
    """Substantiated: handling starts, through the account's review case."""
    def valid(c, old, now):
        _screened(c, ScreeningResult.VALID, note, now)
        c.handling_at = now
        return {"result": ScreeningResult.VALID}

    complaint = change_status(actor, complaint, ComplaintStatus.HANDLING, "complaint.screened", valid)
    open_review_case(actor=actor, complaint=complaint)
    return complaint


def _screened_invalid(actor, complaint: Complaint, note: str, outcome: str) -> Complaint:
    """Not substantiated (or not verifiable): the complainant is answered at once."""
    def invalid(c, old, now):
        _screened(c, ScreeningResult.INVALID, note, now)
        record_feedback(c, outcome, now)
        return {"result": ScreeningResult.INVALID, "on_time": c.feedback_on_time}

    complaint = change_status(actor, complaint, ComplaintStatus.FEEDBACK_SENT, "complaint.screened", invalid)
    propagate_feedback(actor, complaint)
    queue_notices(complaint)
    return complaint


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint, note: str = "") -> Complaint:
    """Merge a duplicate into the complaint already being worked on about the same thing; the
    duplicate's complainant is answered when the primary is."""
    require_actor(actor, permission=HANDLE)
    note = bounded_text(note, field="note", min_length=0)
    complaint = lock_complaint(complaint)
    into = _root(Complaint.objects.select_related("merged_into").get(pk=into.pk))
    if into.pk == complaint.pk:
        raise ServiceError(_("不能合并到自身"), field="duplicate_of", code="merge_self", status=409)
    if into.status not in MERGEABLE_INTO:
        raise ServiceError(_("只能合并到仍在处理中的投诉"), field="duplicate_of", code="merge_closed", status=409)

    def merged(c, old, now):
        c.merged_into = into
        if old == ComplaintStatus.SCREENING:
            c.screening_result = ScreeningResult.DUPLICATE
        _add_note(c, note)
        # the duplicate's own duplicates follow it to the primary
        moved = Complaint.objects.filter(merged_into=c).update(merged_into=into)
        Complaint.objects.filter(pk=into.pk).update(report_count=F("report_count") + c.report_count)
        return {"into_id": into.pk, "moved_children": moved}

    return change_status(actor, complaint, ComplaintStatus.MERGED, "complaint.merged", merged, locked=True)
