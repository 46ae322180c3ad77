"""Art 17 measures: the account-page panel, apply and lift, the measure list and the four-eyes
approvals of close / ban proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.views_generic import ObjectListView
from moderation import selectors, services
from moderation.choices import FOUR_EYES_KINDS, MeasureState
from moderation.filtersets import MeasureFilterSet
from moderation.forms import LiftForm, MeasureForm, ReasonForm, attach_error
from moderation.models import Measure
from moderation.services import ModerationError
from moderation.tables import MeasureTable


def account_measures_panel(request, account):
    """Registered on the account page (core.registry.register_account_panel)."""
    if not request.user.has_perm("moderation.view_measure"):
        return None
    measures = selectors.account_measures(account)
    return {
        "template": "moderation/partials/account_measures.html",
        "measures": measures,
        "active": [m for m in measures if m.state in (MeasureState.ACTIVE, MeasureState.PENDING_APPROVAL)],
        "past": [m for m in measures if m.state not in (MeasureState.ACTIVE, MeasureState.PENDING_APPROVAL)],
        "account": account,
        "can_apply": request.user.has_perm("moderation.add_measure"),
        "can_lift": request.user.has_perm("moderation.add_measure"),
        "apply_form": MeasureForm(),
        "lift_form": LiftForm(),
    }


def _may_lift(user, measure: Measure) -> bool:
    # Lifting a close or ban undoes a four-eyes decision: a supervisor's call.
    if measure.kind in FOUR_EYES_KINDS:
        return user.has_perm("moderation.approve_measure")
    return user.has_perm("moderation.add_measure")


@permission_required("moderation.add_measure", raise_exception=True)
def measure_apply(request, uid):
    account = account_selectors.account_get(uid=uid)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.measure_apply(actor=request.user, account=account, kind=d["kind"], legal_basis=d["legal_basis"],
                                       reason=d["reason"], functions=d["functions"], expires_at=d["expires_at"])
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            if m.state == MeasureState.PENDING_APPROVAL:
                messages.warning(request, _("「%s」须由另一位审核主管批准后生效。") % m.get_kind_display())
            else:
                messages.success(request, _("已采取措施：%s") % m.get_kind_display())
            return redirect(reverse("accounts:account_detail", kwargs={"uid": account.uid}) + "#measures")
    return render(request, "moderation/measure_apply.html", {"account": account, "form": form,
                                                             "title": _("采取处置措施")},
                  status=422 if form.errors else 200)


@permission_required("moderation.add_measure", raise_exception=True)
def measure_lift(request, pk):
    measure = get_object_or_404(Measure.objects.select_related("account"), pk=pk, action=Measure.Action.APPLY)
    if not _may_lift(request.user, measure):
        raise PermissionDenied
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_lift(actor=request.user, measure=measure, reason=form.cleaned_data["reason"],
                                  reversal=form.cleaned_data["reversal"])
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已解除：%s") % measure.get_kind_display())
            return redirect(reverse("accounts:account_detail", kwargs={"uid": measure.account.uid}) + "#measures")
    return render(request, "moderation/measure_lift.html", {"measure": measure, "form": form,
                                                            "title": _("解除处置措施")},
                  status=422 if form.errors else 200)


class MeasureListView(ObjectListView):
    permission_required = "moderation.view_measure"
    export_key = "moderation.measures"
    selector = staticmethod(selectors.measure_list)
    filterset_class = MeasureFilterSet
    table_class = MeasureTable
    template_name = "moderation/measure_list.html"
    title = gettext_lazy("处置措施")


@permission_required("moderation.approve_measure", raise_exception=True)
def measures_pending(request, refuse_forms=None):
    pending = list(selectors.pending_measures(user=request.user))
    refuse_forms = refuse_forms or {}
    rows = [{"m": m, "own": m.issued_by_id == request.user.pk, "refuse_form": refuse_forms.get(m.pk) or ReasonForm()}
            for m in pending]
    return render(request, "moderation/measures_pending.html", {"rows": rows, "title": _("待批准的措施")},
                  status=422 if refuse_forms else 200)


@require_POST
@permission_required("moderation.approve_measure", raise_exception=True)
def measure_approve(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    try:
        services.measure_approve(actor=request.user, measure=measure)
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准：%s") % measure.get_kind_display())
    return redirect("moderation:measures_pending")


@require_POST
@permission_required("moderation.approve_measure", raise_exception=True)
def measure_refuse(request, pk):
    measure = get_object_or_404(Measure, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.measure_refuse(actor=request.user, measure=measure, reason=form.cleaned_data["reason"])
        except ModerationError as exc:
            if exc.field:
                attach_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("moderation:measures_pending")
        else:
            messages.success(request, _("已驳回该提议"))
            return redirect("moderation:measures_pending")
    return measures_pending(request, refuse_forms={measure.pk: form})
