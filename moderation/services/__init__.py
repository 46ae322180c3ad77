"""Every state change of the moderation app (Art 10, 17, 18, 21), one function each.

Split by subject: ``cases`` (review cases and queues), ``measures`` (Art 17 measures, credit),
``notices`` (notices to account holders), ``pipeline`` (registration/change verification),
``submissions`` (applying or refusing a verified submission, below both ``pipeline`` and
``cases``), ``pauses`` (Art 21 switches), ``rule_terms`` (supervisor-managed lexicon terms and
reason templates).

This package re-exports the public names for views, jobs and the API. The modules inside it
import each other directly (``from moderation.services.measures import measure_apply``), never
through this file, so importing one never drags in the others.
"""

from moderation.services.cases import (
    case_add_note,
    case_claim,
    case_claim_next,
    case_close,
    case_decide,
    case_open,
    case_reassign,
    case_release,
    case_reopen,
    case_undo_decision,
    release_expired_claims,
    saved_view_delete,
    saved_view_save,
)
from moderation.services.errors import ModerationError
from moderation.services.measures import (
    account_status_recompute,
    measure_apply,
    measure_approve,
    measure_lift,
    measure_refuse,
    sweep_measures,
)
from moderation.services.notices import notice_create
from moderation.services.pauses import active_pause, pause_lift, pause_set
from moderation.services.pipeline import submission_process
from moderation.services.rule_terms import reason_template_save, rule_term_save, rule_term_set_active
from moderation.services.submissions import submission_overturn

__all__ = [
    "ModerationError",
    "account_status_recompute",
    "active_pause",
    "case_add_note",
    "case_claim",
    "case_claim_next",
    "case_close",
    "case_decide",
    "case_open",
    "case_reassign",
    "case_release",
    "case_reopen",
    "case_undo_decision",
    "measure_apply",
    "measure_approve",
    "measure_lift",
    "measure_refuse",
    "notice_create",
    "pause_lift",
    "pause_set",
    "reason_template_save",
    "release_expired_claims",
    "saved_view_delete",
    "saved_view_save",
    "rule_term_save",
    "rule_term_set_active",
    "submission_overturn",
    "submission_process",
    "sweep_measures",
]
