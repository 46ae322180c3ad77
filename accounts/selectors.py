"""Reads of the account registry, shared by pages, exports and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from accounts.models import Account, Qualification


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
                          "identities")
        .first()
    )
    if account is None:
        raise Http404(f"账号 {uid} 不存在")
    return account


def has_current_qualification():
    return Exists(Qualification.objects.current().filter(account=OuterRef("pk")))
