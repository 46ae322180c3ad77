"""Handling (处置): the link to moderation's review cases. A valid complaint opens or joins the
case for the complained-about account; when moderation decides that case, every linked complaint
in handling is answered with a text derived from the decision, never its details.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.choices import CATEGORY_ARTICLE, ComplaintCategory, ComplaintStatus
from complaints.models import Complaint
from complaints.services.feedback import (
    OUTCOME_HANDLED,
    OUTCOME_NO_VIOLATION,
    OUTCOME_VIOLATION,
    answer_complainant,
)
from complaints.services.guards import HANDLE, change_status, ensure_can_act, lock_complaint, require_actor
from core.audit import record
from core.errors import ServiceError

# The permission moderation's ``case_decide`` requires: whoever may decide the case may have its
# outcome sent to the complainants linked to it.
DECIDE_CASE = "moderation.decide_case"


def open_review_case(*, actor, complaint: Complaint):
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
    if case is not None and getattr(case, "is_open", False) and complaint.status == ComplaintStatus.HANDLING:
        # the outcome the complainant is told must come from the case's decision, not be typed early
        change_status(actor, complaint, ComplaintStatus.WAITING_CASE, "complaint.waiting_for_case",
                      lambda c, old, now: {"review_case_id": case.pk}, guard=False, locked=True)
    return case


@transaction.atomic
def complaint_link_case(*, actor, complaint: Complaint):
    """(Re)open or join the review case of a complaint in handling, e.g. after the account was
    identified by hand or when moderation was not yet available.

    Staff holding ``handle_complaint`` only (the assignee guard applies).
    """
    require_actor(actor, permission=HANDLE)
    complaint = lock_complaint(complaint)
    ensure_can_act(actor, complaint)
    if complaint.status not in (ComplaintStatus.HANDLING, ComplaintStatus.WAITING_CASE):
        raise ServiceError(_("只有处置中的投诉可以关联审核工单"), field="status", code="illegal_transition",
                           status=409)
    if complaint.account_id is None:
        raise ServiceError(_("被投诉账号未能识别，无法关联审核工单"), field="account", code="no_account", status=409)
    case = open_review_case(actor=actor, complaint=complaint)
    if case is None:
        raise ServiceError(_("审核工单功能暂不可用"), code="moderation_unavailable", status=503)
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


@transaction.atomic
def complaint_case_decided(*, case, actor) -> list[Complaint]:
    """Hook called by moderation when a review case is decided: every complaint in handling (or
    waiting for the case) that is linked to it gets its feedback (text derived from the decision, never its details).

    The decision is the authority here, not handling rights on each complaint: ``actor`` is whoever
    decided the case, so a staff user must hold ``moderation.decide_case`` (what ``case_decide``
    checked) and the system may pass ``None`` for a decision it made; the assignee guard does not
    apply (the complaint's outcome is the case's, whoever claimed it). Platform clients are refused.
    """
    require_actor(actor, permission=DECIDE_CASE, system=True)
    outcome = _outcome_from_case(case)
    done = []
    waiting = (ComplaintStatus.HANDLING, ComplaintStatus.WAITING_CASE)
    for complaint in Complaint.objects.filter(review_case_id=case.pk, status__in=waiting).order_by("id"):
        done.append(answer_complainant(actor, complaint, outcome, guard=False))
    return done
