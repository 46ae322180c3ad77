"""Supervisor controls: Art 21 pause switches, lexicon terms and allow-list entries with a
"try it" box, and the rejection-reason templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import rules_engine
from core.views_generic import ObjectListView
from moderation import selectors, services
from moderation.context_processors import PAUSE_CACHE_KEY
from moderation.filtersets import RuleTermFilterSet
from moderation.forms import (
    RULE_CATEGORY_SUGGESTIONS,
    PauseForm,
    ReasonTemplateForm,
    RuleTermForm,
    TryForm,
    attach_error,
)
from moderation.models import PauseSwitch, ReasonTemplate, RuleTerm
from moderation.services import ModerationError
from moderation.services.notices import ARTICLE_TITLES
from moderation.tables import RuleTermTable
from moderation.views.cases import field_label, finding_rows, highlight

# The try-it box answers in words (issue 14): 通过 / 人工审核 / 从严核验 / 驳回, not codes.
VERDICT_WORDS = {"allow": gettext_lazy("通过"), "review": gettext_lazy("人工审核"),
                 "strict_review": gettext_lazy("从严核验（主管审核）"), "reject": gettext_lazy("驳回")}

# ---------------------------------------------------------------------------------------------
# Pause switches (Art 21)


def _pause_changed():
    transaction.on_commit(lambda: cache.delete(PAUSE_CACHE_KEY), robust=True)
    cache.delete(PAUSE_CACHE_KEY)


@permission_required("moderation.view_pauseswitch", raise_exception=True)
def pause_list(request):
    can_manage = request.user.has_perm("moderation.manage_pause")
    form = PauseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", status=403)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.pause_set(actor=request.user, scope=d["scope"], account_kind=d["account_kind"],
                                   reason=d["reason"], ends_at=d["ends_at"])
            except ModerationError as exc:
                attach_error(form, exc)
            else:
                _pause_changed()
                messages.warning(request, _("已暂停：新的请求将收到 503 及原因。"))
                return redirect("moderation:pause_list")
        status = 422
    history = list(PauseSwitch.objects.select_related("created_by", "lifted_by").order_by("-id")[:100])
    return render(request, "moderation/pauses.html", {
        "title": _("暂停开关"), "active": selectors.pauses_active(), "history": history, "form": form,
        "can_manage": can_manage,
    }, status=status)


@require_POST
@permission_required("moderation.manage_pause", raise_exception=True)
def pause_lift(request, pk):
    switch = get_object_or_404(PauseSwitch, pk=pk)
    try:
        services.pause_lift(actor=request.user, switch=switch)
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        _pause_changed()
        messages.success(request, _("已解除暂停"))
    return redirect("moderation:pause_list")


# ---------------------------------------------------------------------------------------------
# Rule terms and allow-list entries


class RuleTermListView(ObjectListView):
    permission_required = "moderation.view_ruleterm"
    selector = staticmethod(selectors.rule_term_list)
    filterset_class = RuleTermFilterSet
    table_class = RuleTermTable
    template_name = "moderation/rules.html"
    title = gettext_lazy("规则管理")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["try_form"] = TryForm()
        ctx["ruleset_version"] = rules_engine.get_engine().version
        ctx["overturned"] = selectors.overturned_by_rule()
        return ctx


@permission_required("moderation.view_ruleterm", raise_exception=True)
def lexicon(request):
    """Every lexicon term, built-in and added in the UI, searchable by word, category, article."""
    q, category, article = (request.GET.get(k, "") for k in ("q", "category", "article"))
    rows, total = selectors.lexicon_terms(user=request.user, q=q, category=category, article=article)
    categories = dict(RULE_CATEGORY_SUGGESTIONS)
    for row in rows:
        row["category_label"] = categories.get(row["category"], row["category"])
        row["article_title"] = _(ARTICLE_TITLES[row["article"]]) if row["article"] in ARTICLE_TITLES else ""
        row["severity_label"] = VERDICT_WORDS.get(row["severity"], row["severity"])
    return render(request, "moderation/lexicon.html", {
        "title": _("全部词条"), "rows": rows, "total": total, "q": q, "category": category, "article": article,
        "categories": RULE_CATEGORY_SUGGESTIONS, "articles": sorted(ARTICLE_TITLES)})


def _term_form_view(request, instance: RuleTerm | None):
    initial = None
    if instance is not None:
        initial = {f: getattr(instance, f) for f in ("term", "allow", "category", "article", "severity", "homophone",
                                                      "note")}
    form = RuleTermForm(request.POST or None, initial=initial)
    impact = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("allow") \
            and request.POST.get("confirm_allow") != "1":
        # an allow-list entry of a common fragment silences the rules for many names: say how many first
        impact = selectors.allowlist_impact(form.cleaned_data["term"])
    elif request.method == "POST" and form.is_valid():
        try:
            term = services.rule_term_save(actor=request.user, instance=instance, **form.cleaned_data)
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存词条「%(t)s」，规则集版本已更新为 %(v)s") % {
                "t": term.term, "v": rules_engine.get_engine().version})
            return redirect("moderation:rule_list")
    return render(request, "moderation/rule_form.html", {
        "form": form, "instance": instance, "title": _("编辑词条") if instance else _("添加词条"),
        "category_suggestions": RULE_CATEGORY_SUGGESTIONS, "impact": impact,
    }, status=422 if form.errors else 200)


@permission_required("moderation.add_ruleterm", raise_exception=True)
def rule_new(request):
    return _term_form_view(request, None)


@permission_required("moderation.change_ruleterm", raise_exception=True)
def rule_edit(request, pk):
    return _term_form_view(request, get_object_or_404(RuleTerm, pk=pk))


@require_POST
@permission_required("moderation.change_ruleterm", raise_exception=True)
def rule_toggle(request, pk):
    term = get_object_or_404(RuleTerm, pk=pk)
    services.rule_term_set_active(actor=request.user, instance=term, active=not term.is_active)
    messages.success(request, (_("已启用「%s」") if not term.is_active else _("已停用「%s」")) % term.term)
    return redirect("moderation:rule_list")


@permission_required("moderation.view_ruleterm", raise_exception=True)
def rule_try(request):
    """Run the current engine on a sample: the verdict, the rule-set version and the findings."""
    form = TryForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        info = {"name": d["name"], "bio": d["bio"]}
        engine = rules_engine.get_engine()
        verdict = engine.check(info, {"account_type": d["account_type"] or "individual"})
        findings = [f.to_dict() for f in verdict.findings]
        numbered = list(enumerate(findings, start=1))
        result = {
            "decision": verdict.decision, "version": verdict.ruleset,
            "fields": [{"label": field_label(name), "html": highlight(text, [(i, f) for i, f in numbered
                                                                             if f["field"] == name])}
                       for name, text in info.items() if text],
            "findings": finding_rows(findings),
            "decision_label": VERDICT_WORDS.get(verdict.decision, verdict.decision),
        }
    template = "moderation/partials/try_result.html" if getattr(request, "htmx", False) else "moderation/rule_try.html"
    return render(request, template, {"form": form, "result": result, "title": _("试一试")})


# ---------------------------------------------------------------------------------------------
# Reason templates


@permission_required("moderation.view_reasontemplate", raise_exception=True)
def reason_list(request):
    return render(request, "moderation/reason_list.html", {
        "title": _("驳回理由模板"), "templates": list(selectors.reason_templates(active_only=False)),
        "can_change": request.user.has_perm("moderation.change_reasontemplate"),
    })


def _reason_save(*, actor, form: ReasonTemplateForm) -> ReasonTemplate:
    data = form.cleaned_data
    return services.reason_template_save(
        actor=actor, article=data["article"], title=data["title"], text=data["text"], is_active=data["is_active"],
        instance=form.instance if form.instance.pk else None)


def _reason_form_view(request, instance):
    form = ReasonTemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            _reason_save(actor=request.user, form=form)
        except services.ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存理由模板"))
            return redirect("moderation:reason_list")
    return render(request, "moderation/reason_form.html", {
        "form": form, "instance": instance, "title": _("编辑理由模板") if instance else _("添加理由模板"),
    }, status=422 if form.errors else 200)


@permission_required("moderation.add_reasontemplate", raise_exception=True)
def reason_new(request):
    return _reason_form_view(request, None)


@permission_required("moderation.change_reasontemplate", raise_exception=True)
def reason_edit(request, pk):
    return _reason_form_view(request, get_object_or_404(ReasonTemplate, pk=pk))
