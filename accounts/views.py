"""Account pages: the registry list and an account's full record."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.filtersets import AccountFilterSet
from accounts.models import INFO_FIELDS, IdentityVerification, OrgCertification
from accounts.tables import AccountTable
from core.diff import info_diff
from core.errors import ServiceError
from core.models import AuditEntry
from core.registry import panels, registry
from core.reveal import RevealReasonForm
from core.views_generic import ObjectListView


class AccountListView(ObjectListView):
    permission_required = "accounts.view_account"
    selector = staticmethod(selectors.account_list)
    filterset_class = AccountFilterSet
    table_class = AccountTable
    title = gettext_lazy("账号")
    export_key = "accounts.accounts"


def _history(account):
    versions = list(account.versions.all()[:20])
    rows = []
    for newer, older in zip(versions, versions[1:] + [None], strict=False):
        rows.append({"version": newer, "diffs": info_diff(older.data if older else {}, newer.data, INFO_FIELDS)})
    return rows


@permission_required("accounts.view_account", raise_exception=True)
def account_detail(request, uid):
    account = selectors.account_with_labels(uid=uid)
    audit = AuditEntry.objects.filter(subject_type="accounts.account", subject_id=str(account.pk))[:50]
    context = {
        "account": account,
        "identities": account.identities.all(),
        "qualifications": account.qualifications.all(),
        "org_certifications": account.org_certifications.all(),
        "history": _history(account),
        "audit": audit,
        "can_reveal": request.user.has_perm("accounts.reveal_identity"),
        "can_revoke": request.user.has_perm("accounts.change_orgcertification"),
        "extra_panels": panels(registry.account_panels, request, account),
    }
    return render(request, "accounts/account_detail.html", context)


@permission_required("accounts.reveal_identity", raise_exception=True)
def identity_reveal(request, pk):
    identity = get_object_or_404(IdentityVerification.objects.select_related("account"), pk=pk)
    form = RevealReasonForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        revealed = services.identity_reveal(actor=request.user, identity=identity,
                                            purpose=form.cleaned_data["purpose"], reason=form.cleaned_data["reason"])
        messages.warning(request, _("已记录本次查看。请勿复制、截图或外传。"))
    return render(request, "accounts/identity_reveal.html",
                  {"identity": identity, "account": identity.account, "form": form, "revealed": revealed})


@permission_required("accounts.change_orgcertification", raise_exception=True)
@require_POST
def org_certification_revoke(request, pk):
    """A supervisor revokes an approved organisation certification; its label goes at once."""
    cert = get_object_or_404(OrgCertification.objects.select_related("account"), pk=pk)
    try:
        services.org_certification_revoke(actor=request.user, certification=cert, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销机构认证，标识已移除，结果已发往联系邮箱。"))
    return redirect("accounts:account_detail", uid=cert.account.uid)
