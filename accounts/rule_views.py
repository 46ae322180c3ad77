"""Pages of the published platform rules (Art 6): public pages (the documents, the version in
force, earlier versions with a diff) and the supervisors' pages (drafts, publishing, accounts that
have not accepted a version that requires it)."""

from __future__ import annotations

import difflib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rule_documents
from accounts.models import RuleAcceptance, RuleDocument, RuleDocumentVersion
from core.errors import ServiceError

Status = RuleDocumentVersion.Status


def _published(kind: str):
    return (RuleDocumentVersion.objects.filter(document__kind=kind, status=Status.PUBLISHED)
            .select_related("document").order_by("-version"))


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, line) pairs: op is ' ', '-' or '+' (escaped by the template)."""
    return [(line[0], line[2:]) for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[0] in " -+"]


@login_not_required
def public_index(request):
    docs = [{"kind": k, "label": label, "current": rule_documents.in_force(k)} for k, label in RuleDocument.Kind.choices]
    return render(request, "accounts/platform_rules/public_index.html", {"title": _("平台规则"), "docs": docs})


@login_not_required
def public_document(request, kind: str, version: int | None = None):
    if kind not in RuleDocument.Kind.values:
        raise Http404
    versions = list(_published(kind))
    current = rule_documents.in_force(kind)
    shown = current if version is None else next((v for v in versions if v.version == version), None)
    if shown is None:
        raise Http404
    previous = next((v for v in versions if v.version < shown.version), None)
    return render(request, "accounts/platform_rules/public_document.html", {
        "title": RuleDocument.Kind(kind).label, "kind": kind, "shown": shown, "current": current,
        "versions": versions, "previous": previous,
        "diff": line_diff(previous.body, shown.body) if previous and request.GET.get("diff") else None})


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("文件"), choices=RuleDocument.Kind.choices)
    body = forms.CharField(label=gettext_lazy("正文（Markdown）"), widget=forms.Textarea(attrs={"rows": 14}))
    summary = forms.CharField(label=gettext_lazy("变更说明"), max_length=2000)
    effective_at = forms.DateTimeField(label=gettext_lazy("生效时间"),
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    requires_acceptance = forms.BooleanField(label=gettext_lazy("需重新同意"), required=False)
    acceptance_days = forms.IntegerField(label=gettext_lazy("同意期限（天）"), min_value=1, max_value=365, initial=30)


@permission_required("accounts.view_ruledocumentversion", raise_exception=True)
def manage(request):
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = rule_documents.rule_version_draft(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("草稿已保存"))
            return redirect("accounts:rules_version", pk=version.pk)
    versions = RuleDocumentVersion.objects.select_related("document", "published_by").order_by("document__kind",
                                                                                                "-version")
    return render(request, "accounts/platform_rules/manage.html", {"title": _("平台规则"), "versions": versions, "form": form,
                                                          "can_publish": request.user.has_perm(
                                                              rule_documents.PUBLISH_PERMISSION)})


@permission_required("accounts.view_ruledocumentversion", raise_exception=True)
def version_detail(request, pk: int):
    version = get_object_or_404(RuleDocumentVersion.objects.select_related("document"), pk=pk)
    if request.method == "POST":
        try:
            rule_documents.rule_version_publish(actor=request.user, version=version)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已发布"))
        return redirect("accounts:rules_version", pk=pk)
    preview = version.body_html or rule_documents.render_markdown(version.body)
    missing = list(rule_documents.accounts_missing(version)[:200])
    return render(request, "accounts/platform_rules/version.html", {
        "title": str(version), "version": version, "preview": preview, "missing": missing,
        "accepted": RuleAcceptance.objects.filter(version=version).count(),
        "can_publish": request.user.has_perm(rule_documents.PUBLISH_PERMISSION)})


def account_rules_panel(request, account):
    """On the account page (core.registry): which rule versions the account accepted and when."""
    rows = list(account.rule_acceptances.select_related("version__document").order_by("-accepted_at"))
    return {"template": "accounts/platform_rules/account_panel.html", "acceptances": rows}
