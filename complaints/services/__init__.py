"""Every state change of a complaint (Art 19: 受理、甄别、处置、反馈), one transaction each, audited.

The lifecycle and its allowed transitions are in ``complaints.choices.TRANSITIONS``. Deadlines
are counted on the Chinese working-day calendar (``core.workdays``); waiting for the complainant
pauses the clock and the pause is added back on resumption.

Split by subject: ``intake`` (receiving, automatic merge), ``claiming`` (who works on what),
``acceptance`` (受理 or 不予受理), ``screening`` (甄别, merging duplicates), ``review_cases``
(处置 through moderation's review cases), ``feedback`` (反馈, closing), ``waiting`` (the paused
clock), ``reporters`` (bad faith, revealing contacts), ``sla`` (time limits, flags, alerts); and
the shared pieces ``guards`` (who may act — staff by permission, platform clients by scope, the
system where a service says so —, locks, transitions and ``change_status``, the one way a status
changes), ``deadlines`` (the working-day clock) and ``normalise`` (tracking codes, targets,
contacts).
"""

from complaints.services.acceptance import complaint_accept, complaint_reject
from complaints.services.claiming import complaint_claim, complaint_claim_next, complaint_release
from complaints.services.deadlines import flag_for
from complaints.services.feedback import (
    OUTCOME_HANDLED,
    OUTCOME_NO_VIOLATION,
    OUTCOME_VIOLATION,
    complaint_close,
    complaint_send_feedback,
)
from complaints.services.intake import ComplaintInput, complaint_submit
from complaints.services.normalise import normalise_contact, normalise_tracking_code, resolve_target
from complaints.services.reporters import complaint_mark_bad_faith, complaint_reveal_contact
from complaints.services.review_cases import complaint_case_decided, complaint_link_case
from complaints.services.screening import complaint_merge, complaint_screen, complaint_start_screening
from complaints.services.sla import complaint_flag_sla, sla_alert_acknowledge, sla_policy_update
from complaints.services.waiting import complaint_request_info, complaint_resume
from core.errors import ServiceError

__all__ = [
    "OUTCOME_HANDLED",
    "OUTCOME_NO_VIOLATION",
    "OUTCOME_VIOLATION",
    "ComplaintInput",
    "ServiceError",
    "complaint_accept",
    "complaint_case_decided",
    "complaint_claim",
    "complaint_claim_next",
    "complaint_close",
    "complaint_flag_sla",
    "complaint_link_case",
    "complaint_mark_bad_faith",
    "complaint_merge",
    "complaint_reject",
    "complaint_release",
    "complaint_request_info",
    "complaint_resume",
    "complaint_reveal_contact",
    "complaint_screen",
    "complaint_send_feedback",
    "complaint_start_screening",
    "complaint_submit",
    "flag_for",
    "normalise_contact",
    "normalise_tracking_code",
    "resolve_target",
    "sla_alert_acknowledge",
    "sla_policy_update",
]
