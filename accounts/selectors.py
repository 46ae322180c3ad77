"""Reads of the account registry, shared by pages, exports and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.choices import ReviewStatus
from accounts.models import Account, Qualification


def current_qualifications_q():
    today = timezone.localdate()
    return Qualification.objects.filter(status=ReviewStatus.APPROVED).exclude(valid_until__lt=today)


def account_list(*, user, filters: dict | None = None) -> QuerySet[Account]:
    """Accounts the user may see (all staff roles see the registry), filtered by AccountFilterSet."""
    from accounts.filtersets import AccountFilterSet

    qs = Account.objects.all().only(
        "id", "uid", "name", "kind", "is_public_account", "status", "ip_location", "credit_score", "created_at",
    )
    if filters is not None:
        qs = AccountFilterSet(filters, queryset=qs).qs
    return qs


def account_get(*, uid: str) -> Account:
    account = Account.objects.filter(uid=uid).first()
    if account is None:
        raise Http404(f"账号 {uid} 不存在")
    return account


def account_with_labels(*, uid: str) -> Account:
    account = (
        Account.objects.filter(uid=uid)
        .prefetch_related(Prefetch("qualifications", queryset=current_qualifications_q(), to_attr="current_qualifications"),
                          "identities")
        .first()
    )
    if account is None:
        raise Http404(f"账号 {uid} 不存在")
    return account


def has_current_qualification():
    return Exists(current_qualifications_q().filter(account=OuterRef("pk")))
