"""The account list as an export (core.exports): registered in ``AccountsConfig.ready()``.

The real-name columns are ``sensitive``: they carry only the masked number, and only roles the
top layer allows (not moderators) get them at all.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountKind, AccountStatus, IdentityMethod
from core import exports as E
from core.registry import register_export

KEY = "accounts.accounts"


def _identity_columns() -> dict:
    from accounts.models import IdentityVerification

    first = IdentityVerification.objects.filter(account=OuterRef("pk")).order_by("verified_at", "pk")
    return {"identity_method": Subquery(first.values("method")[:1]),
            "identity_masked": Subquery(first.values("masked")[:1])}


def register() -> None:
    from accounts.filtersets import AccountFilterSet
    from accounts.selectors import account_list

    register_export(KEY, E.ExportSpec(
        key=KEY, title=_("账号"), permission="accounts.view_account", selector=account_list,
        filterset_class=AccountFilterSet, list_url_name="accounts:account_list",
        columns=(
            E.Column(_("UID"), "uid", width=22),
            E.Column(_("名称"), "name", width=24),
            E.Column(_("用户类型"), "kind", choices=AccountKind.choices, width=10),
            E.Column(_("公众账号"), "is_public_account", kind=E.BOOL, width=10),
            E.Column(_("状态"), "status", choices=AccountStatus.choices, width=10),
            E.Column(_("IP属地"), "ip_location", width=12),
            E.Column(_("信用分"), "credit_score", kind=E.INT, width=8),
            E.Column(_("创建时间"), "created_at", kind=E.DATETIME, width=20),
            E.Column(_("实名认证方式"), "identity_method", choices=IdentityMethod.choices, sensitive=True, width=16),
            E.Column(_("证件号码（脱敏）"), "identity_masked", sensitive=True, width=22),
        ),
        sorts={"uid": ("uid",), "name": ("name",), "credit_score": ("credit_score",), "created_at": ("created_at",)},
        annotations=_identity_columns, date_field="created_at",
        for_account=lambda qs, account: qs.filter(pk=account.pk),
    ))
