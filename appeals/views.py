"""Appeal pages: the queue with claim-next, the appeal page where an independent supervisor
decides, the figures, and the case-page panel that shows the original decider the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals import selectors
from appeals.choices import AppealStatus
from appeals.forms import DecideForm
from appeals.models import Appeal, AppealEvidence
from appeals.services.review import (
    appeal_claim,
    appeal_claim_next,
    appeal_decide,
    appeal_release,
    involved_user_ids,
)
from core.errors import ServiceError

VIEW = "appeals.view_appeal"
DECIDE = "appeals.decide_appeal"


@permission_required(VIEW, raise_exception=True)
def appeal_list(request):
    status = "decided" if request.GET.get("status") == "decided" else "open"
    appeals = list(selectors.appeal_list(user=request.user, status=status)[:200])
    return render(request, "appeals/appeal_list.html", {
        "title": _("申诉"), "appeals": appeals, "status": status,
        "can_decide": request.user.has_perm(DECIDE)})


@require_POST
@permission_required(DECIDE, raise_exception=True)
def appeal_claim_next_view(request):
    try:
        appeal = appeal_claim_next(actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("appeals:appeal_list")
    if appeal is None:
        messages.info(request, _("没有您可以复核的申诉（您参与过原决定的申诉由其他主管复核）。"))
        return redirect("appeals:appeal_list")
    return redirect("appeals:appeal_detail", pk=appeal.pk)


def _get(pk: int) -> Appeal:
    appeal = selectors.appeal_detail(pk=pk)
    if appeal is None:
        raise Http404
    return appeal


@permission_required(VIEW, raise_exception=True)
def appeal_detail(request, pk: int):
    appeal = _get(pk)
    form = DecideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(DECIDE):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                appeal_decide(actor=request.user, appeal=appeal, outcome=d["outcome"], reason=d["reason"],
                              articles=d["articles"], new_kind=d["new_kind"] or None, functions=d["functions"],
                              expires_at=d["expires_at"])
            except ServiceError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    form.add_error(None, exc.message)
                status = exc.status if exc.status != 422 else 422
            else:
                messages.success(request, _("申诉已决定，已通知账号持有人。"))
                return redirect("appeals:appeal_detail", pk=appeal.pk)
        else:
            status = 422
    involved = request.user.pk in involved_user_ids(appeal)
    return render(request, "appeals/appeal_detail.html", {
        "title": appeal.tracking_code, "appeal": appeal, "form": form, "involved": involved,
        "can_decide": request.user.has_perm(DECIDE) and appeal.is_open and not involved,
        "mine": appeal.assignee_id == request.user.pk and appeal.status == AppealStatus.CLAIMED,
    }, status=status)


@require_POST
@permission_required(DECIDE, raise_exception=True)
def appeal_claim_view(request, pk: int):
    action = appeal_release if request.POST.get("release") else appeal_claim
    try:
        action(actor=request.user, appeal=_get(pk))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("appeals:appeal_detail", pk=pk)


@permission_required(VIEW, raise_exception=True)
def appeal_evidence(request, pk: int, evidence_pk: int):
    item = AppealEvidence.objects.filter(pk=evidence_pk, appeal_id=pk).first()
    if item is None:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("appeals.view_figures", raise_exception=True)
def appeal_figures(request):
    return render(request, "appeals/figures.html", {"title": _("申诉统计"), "f": selectors.appeal_figures()})


def case_appeals_panel(request, case):
    """On the case page (core.registry): the appeals against this case's decision and their outcome,
    so the original decider learns what became of it."""
    if not request.user.has_perm(VIEW):
        return None
    appeals = selectors.appeals_of_case(case)
    if not appeals:
        return None
    return {"template": "appeals/partials/case_appeals.html", "appeals": appeals}
