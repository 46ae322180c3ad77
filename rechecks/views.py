"""动态核验 pages: the runs with live progress (htmx polling), the start form, pause / resume /
cancel, a run's results, the per-article suspension policy and the lexicon impact preview.
Moderators and auditors read; supervisors start, pause, resume and cancel (services check)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from moderation.forms import attach_error
from moderation.services.rule_terms import rule_term_save
from rechecks import selectors
from rechecks.forms import ImpactForm, PolicyForm, StartForm
from rechecks.models import RecheckArticlePolicy, RecheckRun
from rechecks.services.corrections import recheck_policy_set
from rechecks.services.impact import impact_preview
from rechecks.services.runs import MANAGE, recheck_cancel, recheck_pause, recheck_resume, recheck_start

VIEW = "rechecks.view_recheckrun"


def _rate_eta(run: RecheckRun) -> tuple[float, int | None]:
    """Accounts per second so far and seconds left at that rate (None when unknown)."""
    elapsed = ((run.finished_at or timezone.now()) - run.created_at).total_seconds()
    rate = run.checked / elapsed if elapsed > 0 else 0.0
    left = max(0, run.total - run.checked)
    return rate, (int(left / rate) if rate and run.is_active else None)


@permission_required(VIEW, raise_exception=True)
def run_list(request):
    form = StartForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                run = recheck_start(actor=request.user, scope=form.cleaned_data["scope"])
            except ServiceError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("已发起动态核验 #%(id)s") % {"id": run.pk})
                return redirect("rechecks:run_detail", pk=run.pk)
    page = Paginator(selectors.run_list(user=request.user), 25).get_page(request.GET.get("page"))
    runs = [(run, *_rate_eta(run)) for run in page]
    return render(request, "rechecks/run_list.html", {
        "title": _("动态核验"), "page": page, "runs": runs, "form": form,
        "can_manage": request.user.has_perm(MANAGE),
        "policies": {p.article: p.suspend_at_once for p in RecheckArticlePolicy.objects.all()},
        "policy_form": PolicyForm(), "can_policy": request.user.has_perm("rechecks.change_recheckarticlepolicy"),
    }, status=422 if form.errors else 200)


def _progress_context(request, run: RecheckRun) -> dict:
    rate, eta = _rate_eta(run)
    return {"run": run, "rate": rate, "eta": eta, "can_manage": request.user.has_perm(MANAGE)}


@permission_required(VIEW, raise_exception=True)
def run_progress(request, pk):
    run = get_object_or_404(RecheckRun, pk=pk)
    return render(request, "rechecks/partials/progress.html", _progress_context(request, run))


@permission_required(VIEW, raise_exception=True)
def run_detail(request, pk):
    run = get_object_or_404(RecheckRun, pk=pk)
    return render(request, "rechecks/run_detail.html", {
        **_progress_context(request, run), "title": _("动态核验 #%(id)s") % {"id": run.pk},
        "by_article": selectors.findings_by_article(run), "results": selectors.run_results(run),
        "case_ids": selectors.run_case_ids(run),
    })


ACTIONS = {"pause": recheck_pause, "resume": recheck_resume, "cancel": recheck_cancel}


@require_POST
@permission_required(VIEW, raise_exception=True)
def run_action(request, pk, action):
    run = get_object_or_404(RecheckRun, pk=pk)
    if action not in ACTIONS:
        return render(request, "404.html", status=404)
    try:
        ACTIONS[action](actor=request.user, run=run)
    except ServiceError as exc:
        if exc.status == 403:
            return render(request, "403.html", status=403)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("核验 #%(id)s：%(status)s") % {
            "id": run.pk, "status": RecheckRun.objects.get(pk=run.pk).get_status_display()})
    return redirect("rechecks:run_detail", pk=run.pk)


@require_POST
@permission_required("rechecks.change_recheckarticlepolicy", raise_exception=True)
def policy_save(request):
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            recheck_policy_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("已保存条款设置"))
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("条款设置无效"))
    return redirect("rechecks:run_list")


@permission_required("moderation.add_ruleterm", raise_exception=True)
def impact(request):
    """Impact of a lexicon term on existing accounts; then publish it, optionally rechecking
    exactly the accounts it newly flags."""
    form = ImpactForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        term = {k: form.cleaned_data[k] for k in ("term", "category", "article", "severity", "homophone")}
        result = impact_preview(term=term)
        if request.POST.get("publish"):
            return _publish(request, form, term, result)
    return render(request, "rechecks/impact.html", {"title": _("规则变更影响预估"), "form": form, "result": result},
                  status=422 if form.errors else 200)


def _publish(request, form, term: dict, result):
    try:
        rule_term_save(actor=request.user, **term)
        run = None
        if request.POST.get("recheck") and result.account_ids and request.user.has_perm(MANAGE):
            run = recheck_start(actor=request.user, scope="", account_ids=result.account_ids,
                                note=f"词条「{term['term']}」影响范围")
    except ServiceError as exc:
        attach_error(form, exc)
        return render(request, "rechecks/impact.html", {"title": _("规则变更影响预估"), "form": form,
                                                        "result": result}, status=422)
    messages.success(request, _("已发布词条「%(t)s」") % {"t": term["term"]})
    return redirect("rechecks:run_detail", pk=run.pk) if run else redirect("moderation:rule_list")
