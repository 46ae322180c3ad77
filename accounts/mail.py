"""Outcome e-mails of organisation certifications (official-website plan): the applicant's
contact e-mail learns the outcome — approved with the label it now shows, refused with the
reasons, or revoked — through Django's e-mail framework (``EMAIL_BACKEND``).

The row is written with the decision (same transaction), the job sends it after commit and
records the delivery (sent / failed with the error class); a failed one can be sent again.
The address is personal data of the contact person: it is never logged or put in audit entries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import CertificationEmailStatus, ReviewStatus
from accounts.models import OrgCertification, OrgCertificationEmail
from core.audit import record
from core.jobs import enqueue

_SUBJECTS = {
    ReviewStatus.APPROVED: gettext_lazy("机构认证已通过：%(name)s"),
    ReviewStatus.REJECTED: gettext_lazy("机构认证未通过：%(name)s"),
    ReviewStatus.REVOKED: gettext_lazy("机构认证已撤销：%(name)s"),
}


def _body(cert: OrgCertification, outcome: str, reason: str) -> str:
    lines = [_("%(person)s，您好：") % {"person": cert.contact_person}, ""]
    values = {"name": cert.full_name, "uscc": cert.uscc, "website": cert.website, "label": cert.label}
    if outcome == ReviewStatus.APPROVED:
        lines.append(_("贵单位（%(name)s，统一社会信用代码 %(uscc)s，官方网站 %(website)s）的机构认证已通过审核，"
                       "账号主页将展示“%(label)s”标识。") % values)
    elif outcome == ReviewStatus.REJECTED:
        lines += [_("贵单位（%(name)s，统一社会信用代码 %(uscc)s）的机构认证未通过审核。") % values,
                  _("原因：%(reason)s") % {"reason": reason}, _("补齐材料后可重新申请。")]
    else:
        lines += [_("贵单位（%(name)s）的机构认证已撤销，账号主页不再展示“%(label)s”标识。") % values,
                  _("原因：%(reason)s") % {"reason": reason}]
    return "\n".join(lines) + "\n"


def outcome_email_queue(*, cert: OrgCertification, outcome: str, reason: str) -> OrgCertificationEmail:
    """Inside the deciding service's transaction: write the e-mail and send it after commit."""
    email = OrgCertificationEmail.objects.create(
        certification=cert, outcome=outcome, subject=str(_SUBJECTS[outcome]) % {"name": cert.full_name},
        body=_body(cert, outcome, reason))
    enqueue("accounts.jobs.send_certification_email", email.pk)
    return email


def outcome_email_send(*, email_id: int) -> str:
    """Send one outcome e-mail and record the delivery (the job calls this; actor: the system)."""
    email = OrgCertificationEmail.objects.select_related("certification").get(pk=email_id)
    if email.status == CertificationEmailStatus.SENT:
        return email.status
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.certification.contact_email])
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, never lost
        email.status, email.error = CertificationEmailStatus.FAILED, type(exc).__name__[:300]
    else:
        email.status, email.error, email.sent_at = CertificationEmailStatus.SENT, "", timezone.now()
    with transaction.atomic():
        email.save(update_fields=["status", "error", "sent_at"])
        record("org_certification.emailed", actor=None, subject=email.certification.account,
               new={"certification_id": email.certification_id, "email_id": email.pk, "outcome": email.outcome,
                    "status": email.status, "error": email.error})
    return email.status
