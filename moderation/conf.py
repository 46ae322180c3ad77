"""Moderation policy knobs with their defaults (override in settings as QINGLANG_MODERATION)."""

import datetime as dt

from django.conf import settings

from moderation.choices import CaseReason, MeasureKind

DEFAULTS = {
    # Hours until a case is due, by reason (strict review and registrations first).
    "due_hours": {
        CaseReason.REGISTRATION: 4, CaseReason.CHANGE: 8, CaseReason.STRICT_REVIEW: 8,
        CaseReason.QUALIFICATION: 48, CaseReason.ORG_CERTIFICATION: 48, CaseReason.COMPLAINT: 24,
        CaseReason.RECHECK: 72,
    },
    "priority": {
        CaseReason.REGISTRATION: 60, CaseReason.CHANGE: 50, CaseReason.STRICT_REVIEW: 70,
        CaseReason.QUALIFICATION: 40, CaseReason.ORG_CERTIFICATION: 40, CaseReason.COMPLAINT: 55,
        CaseReason.RECHECK: 30,
    },
    "claim_minutes": 30,
    # Credit ledger (Art 18): points taken by each measure.
    "credit_penalty": {
        MeasureKind.WARNING: 2, MeasureKind.CORRECTION_ORDER: 5, MeasureKind.RESTRICT: 10,
        MeasureKind.SUSPEND: 20, MeasureKind.CLOSE: 40, MeasureKind.BAN_REREGISTRATION: 50,
    },
    # What a correction order becomes when its deadline passes without a passing correction.
    "correction_escalation": MeasureKind.SUSPEND,
    "correction_escalation_days": None,  # None = indefinitely
    "default_correction_days": 7,
    # Measures reported to the regulator by default (Art 17 及时向主管部门报告).
    "reportable": {MeasureKind.CLOSE, MeasureKind.BAN_REREGISTRATION, MeasureKind.SUSPEND},
    "webhook_backoff_seconds": [10, 60, 300, 1800, 7200],
    # A person's suspension without an end, or longer than this many days, needs a second
    # supervisor's approval like close and ban (四眼原则).
    "four_eyes_suspend_days": 30,
    # Seconds during which whoever decided a case may undo the decision (the 撤销 link).
    "undo_seconds": 30,
}


def get(key: str):
    return getattr(settings, "QINGLANG_MODERATION", {}).get(key, DEFAULTS[key])


def due_delta(reason: str) -> dt.timedelta:
    return dt.timedelta(hours=get("due_hours").get(reason, 24))
