"""Credit that changes service (Art 18 据以提供相应服务): publishing the scoring policy, the band's
consequences, recovery for clean periods, and the ledger check.

* ``credit_policy_publish`` — a supervisor publishes a new version (never edited afterwards).
* ``credit_findings`` — the pipeline asks it: a band with ``review_allow`` turns an ``allow``
  into a review, with a finding (Art 18) that says credit changed it.
* ``on_credit_changed`` — a score falling into a band with ``propose_restrict`` opens a review
  case proposing a ``restrict`` measure; a person decides it (never applied automatically).
* ``credit_recover`` — the scheduled job: points for each clean period, as ledger events.
* ``credit_recompute`` — replays every ledger and reports scores that differ.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from core.audit import record
from moderation import conf, credit_policy
from moderation.choices import CaseReason, Decision, MeasureState, RestrictFunction
from moderation.models import CreditEvent, CreditPolicy, Measure
from moderation.services.cases import case_open
from moderation.services.errors import ModerationError
from moderation.services.measures import credit_record

CREDIT_RULE = "credit_band"


@transaction.atomic
def credit_policy_publish(*, actor, rules: dict, summary: str) -> CreditPolicy:
    """Publish the next version of the scoring policy (supervisors; ``publish_creditpolicy``)."""
    if actor is None or not actor.has_perm("moderation.publish_creditpolicy"):
        raise ModerationError(_("只有审核主管可以发布信用评价政策"), code="forbidden", status=403)
    if len((summary or "").strip()) < 2:
        raise ModerationError(_("须写明变更说明"), field="summary")
    try:
        rules = credit_policy.validate_rules(rules)
    except credit_policy.PolicyInvalid as exc:
        raise ModerationError(exc.message, field=exc.field) from None
    latest = CreditPolicy.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    policy = CreditPolicy.objects.create(version=latest + 1, rules=rules, summary=summary.strip(), published_by=actor)
    record("credit_policy.published", actor=actor, subject=policy, new={"version": policy.version,
                                                                          "summary": policy.summary})
    return policy


def credit_findings(account: Account | None) -> list[dict]:
    """For the pipeline: a review finding when the account's band sends ``allow`` to review."""
    if account is None:
        return []
    policy = credit_policy.current()
    if "review_allow" not in policy.consequences(account.credit_score):
        return []
    band = credit_policy.band_label(policy.band(account.credit_score))
    text = _("账号信用等级为「%(band)s」（%(score)d 分，信用评价政策第 %(v)d 版），本可直接通过的提交转人工核验") % {
        "band": band, "score": account.credit_score, "v": policy.version}
    return [{"article": "18", "rule": CREDIT_RULE, "field": "account", "span": [0, 0], "matched": "", "term": "",
             "evasion": [], "severity": Decision.REVIEW, "explanation": text}]


def credit_priority(account: Account | None, reason: str) -> int | None:
    """A band with ``priority_boost`` puts the account's review cases ahead (None: the default)."""
    if account is None or "priority_boost" not in credit_policy.current().consequences(account.credit_score):
        return None
    return conf.get("priority").get(reason, 50) + 10


def credit_changed_outcome(findings: list[dict], decision: str) -> bool:
    """Whether credit alone made this a review (every review-level finding is the credit one)."""
    review = [f for f in findings if f.get("severity") == decision]
    return decision == Decision.REVIEW and bool(review) and all(f.get("rule") == CREDIT_RULE for f in review)


def on_credit_changed(sender, account, before: int, after: int, event, actor=None, **kwargs) -> None:
    """A score that falls into a band with ``propose_restrict`` opens a case proposing a
    ``restrict`` measure for a person to decide (connected in ``ModerationConfig.ready()``)."""
    policy = credit_policy.current()
    if "propose_restrict" not in policy.consequences(after) or "propose_restrict" in policy.consequences(before):
        return
    functions = "、".join(str(RestrictFunction(f).label) for f in policy.rules["restrict_functions"])
    text = _("信用分由 %(before)d 降至 %(after)d，进入「%(band)s」等级；依据信用评价政策第 %(v)d 版，"
             "建议限制账号功能（%(functions)s），由审核人员决定") % {
        "before": before, "after": after, "band": credit_policy.band_label(policy.band(after)),
        "v": policy.version, "functions": functions}
    case_open(actor=actor, reason=CaseReason.CREDIT, source=f"credit_event:{event.pk}", account=account,
              findings=[{"article": "18", "rule": "credit_propose_restrict", "field": "account", "span": [0, 0],
                         "matched": "", "term": "", "evasion": [], "severity": Decision.REVIEW,
                         "explanation": text, "proposed_measure": {
                             "kind": "restrict", "functions": policy.rules["restrict_functions"]}}])


def _recoverable(policy, now: dt.datetime):
    """Accounts below the policy's ceiling whose last ledger event and last measure are older than a
    clean period (one indexed pass; the per-account writes re-check under a lock)."""
    since = now - dt.timedelta(days=policy.rules["recovery"]["clean_days"])
    recent = CreditEvent.objects.filter(created_at__gt=since).values("account_id")
    active = Measure.objects.filter(action=Measure.Action.APPLY, state=MeasureState.ACTIVE).values("account_id")
    return (Account.objects.filter(credit_score__lt=policy.rules["max"])
            .exclude(pk__in=recent).exclude(pk__in=active).values_list("pk", flat=True))


def credit_recover(*, now: dt.datetime | None = None) -> dict:
    """The scheduled job (config/schedules.py): each account that went a whole clean period without
    a ledger event or an active measure gains the policy's points, up to its ceiling. Idempotent:
    the recovery event itself starts the next period."""
    now = now or timezone.now()
    policy = credit_policy.current()
    points, days, ceiling = policy.rules["recovery"]["points"], policy.rules["recovery"]["clean_days"], policy.rules["max"]
    counts = {"recovered": 0}
    if not points:
        return counts
    for pk in list(_recoverable(policy, now)):
        with transaction.atomic():
            account = Account.objects.select_for_update().get(pk=pk)
            delta = min(points, ceiling - account.credit_score)
            if delta <= 0:
                continue
            reason = _("连续 %(days)d 天无违规记录，恢复 %(points)d 分") % {"days": days, "points": delta}
            event = credit_record(account, delta, reason, None, code="recovery")
            CreditEvent.objects.filter(pk=event.pk).update(created_at=now)
            record("credit.recovered", actor=None, subject=account, new={"delta": delta, "score": account.credit_score,
                                                                         "policy_version": policy.version})
            counts["recovered"] += 1
    return counts


def credit_recompute(*, initial: int | None = None) -> list[dict]:
    """Replay every account's ledger (oldest first, clamped to [0, 1000] like ``credit_record``)
    and return the accounts whose stored score or ledger chain differs."""
    initial = Account._meta.get_field("credit_score").default if initial is None else initial
    problems: list[dict] = []
    scores = dict(Account.objects.values_list("pk", "credit_score"))
    replayed: dict[int, int] = {}
    broken: set[int] = set()
    rows = CreditEvent.objects.order_by("account_id", "id").values_list("account_id", "delta", "score_after")
    for account_id, delta, score_after in rows.iterator(chunk_size=5000):
        score = max(0, min(1000, replayed.get(account_id, initial) + delta))
        if score != score_after:
            broken.add(account_id)
        replayed[account_id] = score
    for pk, stored in scores.items():
        expected = replayed.get(pk, initial)
        if expected != stored or pk in broken:
            problems.append({"account_id": pk, "stored": stored, "recomputed": expected, "chain_ok": pk not in broken})
    return problems
