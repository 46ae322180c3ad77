"""The people who complain: marking a reporter as filing in bad faith (their complaints sort last
but are still answered) and revealing a complainant's full contact to a permitted supervisor,
with a recorded reason (Art 16).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from complaints.choices import OPEN_STATUSES
from complaints.models import Complaint, ReporterFlag
from complaints.services.guards import lock_complaint, require_actor
from core import crypto
from core.audit import record
from core.errors import ServiceError
from core.reveal import check_reveal_reason


@transaction.atomic
def complaint_mark_bad_faith(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """A supervisor marks the reporter of ``complaint`` as filing in bad faith: their open and
    future complaints sort after everyone else's (still received, still answered).

    Staff holding ``complaints.mark_bad_faith`` only: it is a supervisor's judgement about a
    person, never the system's or a platform client's.
    """
    require_actor(actor, permission="complaints.mark_bad_faith")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ServiceError(_("请填写理由（至少 4 个字）"), field="reason")
    complaint = lock_complaint(complaint)
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
def complaint_reveal_contact(*, actor, complaint: Complaint, purpose: str, reason: str) -> str:
    """Show the complainant's full contact to a permitted supervisor, with a recorded reason (Art 16).

    Staff holding ``complaints.reveal_contact`` only: personal data is revealed to a named person.
    """
    require_actor(actor, permission="complaints.reveal_contact")
    purpose, reason = check_reveal_reason(purpose, reason)
    if not complaint.contact_encrypted:
        raise ServiceError(_("投诉人未留联系方式"), field="contact", code="no_contact", status=404)
    record("complaint.contact_revealed", actor=actor, subject=complaint,
           new={"masked": complaint.contact_masked, "purpose": purpose, "reason": reason})
    return crypto.decrypt(complaint.contact_encrypted)
