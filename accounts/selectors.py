"""Reads of the account registry, shared by pages, exports and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from accounts.choices import ReviewStatus
from accounts.models import Account, OrgCertification, Qualification


def account_list(*, user) -> QuerySet[Account]:
    """Accounts the user may see (all staff roles see the registry); the list view narrows them
    with ``AccountFilterSet``."""
    return Account.objects.all().only(
        "id", "uid", "name", "kind", "is_public_account", "status", "ip_location", "credit_score", "created_at",
    )


def account_get(*, uid: str) -> Account:
    account = Account.objects.filter(uid=uid).first()
    if account is None:
        raise Http404(f"账号 {uid} 不存在")
    return account


def account_with_labels(*, uid: str) -> Account:
    account = (
        Account.objects.filter(uid=uid)
        .prefetch_related(Prefetch("qualifications", queryset=Qualification.objects.current(), to_attr="current_qualifications"),
                          Prefetch("org_certifications", to_attr="approved_certifications",
                                   queryset=OrgCertification.objects.filter(status=ReviewStatus.APPROVED)),
                          "identities")
        .first()
    )
    if account is None:
        raise Http404(f"账号 {uid} 不存在")
    return account


def org_label(account: Account) -> dict | None:
    """The "官方" label of the account's approved certification (``account_with_labels`` loads it)."""
    certs = getattr(account, "approved_certifications", None)
    if certs is None:
        certs = list(account.org_certifications.filter(status=ReviewStatus.APPROVED))
    if not certs:
        return None
    cert = certs[0]
    return {"text": cert.label, "org_class": cert.org_class, "full_name": cert.full_name, "website": cert.website}


def has_current_qualification():
    return Exists(Qualification.objects.current().filter(account=OuterRef("pk")))
