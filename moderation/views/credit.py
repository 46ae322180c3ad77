"""The credit policy pages (public and staff: each rule in words) and the account page's ledger
panel with a chart of the score over time (Art 18)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moderation import credit_policy
from moderation.choices import MeasureKind
from moderation.models import CreditEvent, CreditPolicy
from moderation.services.credit import credit_policy_publish
from moderation.services.errors import ModerationError


def _explain(policy: credit_policy.Policy) -> dict:
    rules = policy.rules
    return {
        "version": policy.version,
        "penalties": [(MeasureKind(k).label, v) for k, v in rules["penalties"].items() if k in MeasureKind.values],
        "events": [(credit_policy.EVENT_CODES.get(k, k), v) for k, v in rules["events"].items()],
        "recovery": rules["recovery"],
        "bands": [{"key": name, "label": credit_policy.band_label(name), "low": low,
                   "consequences": [credit_policy.CONSEQUENCES[c] for c in rules["consequences"].get(name, [])]}
                  for name, low in rules["bands"]],
        "initial": rules["initial"], "max": rules["max"],
    }


def _context(request) -> dict:
    policy = credit_policy.current()
    return {"title": _("信用评价政策"), "p": _explain(policy),
            "versions": list(CreditPolicy.objects.select_related("published_by")),
            "public": not request.user.is_authenticated}


@login_not_required
def credit_policy_public(request):
    return render(request, "moderation/credit_policy.html", {**_context(request), "public": True})


@permission_required("moderation.view_creditevent", raise_exception=True)
def credit_policy_page(request):
    ctx = _context(request)
    ctx["can_publish"] = request.user.has_perm("moderation.publish_creditpolicy")
    ctx["rules_json"] = json.dumps(credit_policy.current().rules, ensure_ascii=False, indent=2)
    return render(request, "moderation/credit_policy.html", ctx)


@require_POST
@permission_required("moderation.publish_creditpolicy", raise_exception=True)
def credit_policy_publish_view(request):
    try:
        rules = json.loads(request.POST.get("rules") or "")
    except ValueError:
        messages.error(request, _("规则不是有效的 JSON"))
        return redirect("moderation:credit_policy")
    try:
        policy = credit_policy_publish(actor=request.user, rules=rules, summary=request.POST.get("summary", ""))
    except ModerationError as exc:
        messages.error(request, exc.message)
        return redirect("moderation:credit_policy")
    messages.success(request, _("已发布信用评价政策第 %(v)d 版") % {"v": policy.version})
    return redirect("moderation:credit_policy")


def _chart(events: list[CreditEvent]) -> str:
    """SVG polyline points of the score over time (oldest left), 300×60."""
    if not events:
        return ""
    scores = [events[0].score_after - events[0].delta] + [e.score_after for e in events]
    low, high = min(scores), max(scores)
    span = (high - low) or 1
    step = 300 / max(1, len(scores) - 1)
    return " ".join(f"{i * step:.1f},{55 - (s - low) * 50 / span:.1f}" for i, s in enumerate(scores))


def account_credit_panel(request, account):
    """Registered on the account page: band, the whole ledger with an explanation per event, and
    a chart of the score over time."""
    if not request.user.has_perm("moderation.view_creditevent"):
        return None
    events = list(CreditEvent.objects.filter(account=account).order_by("id")[:1000])
    policy = credit_policy.current()
    band = policy.band(account.credit_score)
    return {"template": "moderation/partials/account_credit.html", "events": list(reversed(events)),
            "chart": _chart(events), "band": credit_policy.band_label(band), "score": account.credit_score,
            "consequences": [credit_policy.CONSEQUENCES[c] for c in policy.consequences(account.credit_score)],
            "codes": credit_policy.EVENT_CODES, "policy_version": policy.version}
