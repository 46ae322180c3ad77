"""The Art 15 flow after a finding: suspend service (a ``suspend`` measure whose reason is the
recheck), tell the holder with a correction deadline (working days, core.workdays), lift the
suspension when a change that passes verification arrives within the deadline, and past the
deadline without one propose termination (close) to supervisors, who decide it under the
four-eyes rule (moderation.services.measures: a proposer and a different approver)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from core.audit import record
from core.errors import ServiceError
from core.workdays import deadline as working_deadline
from moderation.choices import CaseDecision, CaseReason, MeasureKind, MeasureState, NoticeKind
from moderation.models import Measure, ReviewCase
from moderation.services.cases import case_decide, case_open
from moderation.services.measures import ARTICLE_CODES, measure_apply, measure_lift
from moderation.services.notices import article_text, notice_create
from rechecks import conf
from rechecks.choices import CorrectionState
from rechecks.models import RecheckArticlePolicy, RecheckCorrection

POLICY_ARTICLES = ("7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "10.2", "10.3", "11")


def _legal_basis(articles) -> list[str]:
    return ["15", *sorted({a for a in articles if a in ARTICLE_CODES and a != "15"})]


def immediate_articles() -> set[str]:
    """Articles whose high-certainty (``reject``) findings suspend at once (default: none)."""
    return set(RecheckArticlePolicy.objects.filter(suspend_at_once=True).values_list("article", flat=True))


@transaction.atomic
def recheck_policy_set(*, actor, article: str, suspend_at_once: bool) -> RecheckArticlePolicy:
    """A supervisor decides, per article, whether high-certainty findings suspend without a
    moderator's confirmation (audited)."""
    if actor is None or not actor.has_perm("rechecks.change_recheckarticlepolicy"):
        raise ServiceError(_("只有审核主管可以修改此设置"), code="forbidden", status=403)
    if article not in POLICY_ARTICLES:
        raise ServiceError(_("未知条款 %(article)s") % {"article": article}, field="article")
    policy, _created = RecheckArticlePolicy.objects.select_for_update().get_or_create(article=article)
    old = policy.suspend_at_once
    policy.suspend_at_once, policy.updated_by = suspend_at_once, actor
    policy.save()
    record("recheck.policy_saved", actor=actor, subject=policy, old={"suspend_at_once": old},
           new={"article": article, "suspend_at_once": suspend_at_once})
    return policy


def correction_deadline(start: dt.datetime | None = None) -> dt.datetime:
    """The end of the N-th working day after ``start`` (default 15, ``correction_working_days``)."""
    return working_deadline(timezone.localtime(start or timezone.now()), conf.get("correction_working_days")).due_at


def correction_open(*, actor, account: Account, measure: Measure, case: ReviewCase | None,
                    articles) -> RecheckCorrection:
    """Start the correction deadline for a recheck suspension and send the notice (in the
    caller's transaction). One open correction per account (a DB constraint)."""
    due = correction_deadline()
    correction = RecheckCorrection.objects.create(account=account, case=case, measure=measure,
                                                  articles=list(articles), deadline=due)
    notice_create(account=account, kind=NoticeKind.MEASURE_APPLIED, title="动态核验：暂停使用并限期改正",
                  body=(f"经动态核验，您的账号信息不符合《互联网用户账号信息管理规定》{article_text(articles)}，"
                        f"平台依据第十五条暂停提供服务。请于 {timezone.localtime(due):%Y年%m月%d日 %H:%M} 前修改账号信息"
                        "并提交核验；改正并通过核验后自动恢复，逾期未改正的，平台将依法终止服务（关闭账号）。"),
                  articles=list(articles), deadline=due, case=case, measure=measure)
    record("recheck.correction_opened", actor=actor, subject=account,
           new={"correction_id": correction.pk, "measure_id": measure.pk, "deadline": due,
                "articles": list(articles), "case_id": getattr(case, "pk", None)})
    return correction


def suspend_at_once(*, account: Account, run, findings: list[dict]) -> RecheckCorrection:
    """A supervisor set these articles to suspend without waiting for a moderator: suspend now
    (the system as actor; suspension is not a four-eyes measure) and start the deadline."""
    articles = list(dict.fromkeys(f["article"] for f in findings))
    measure = measure_apply(actor=None, account=account, kind=MeasureKind.SUSPEND, legal_basis=_legal_basis(articles),
                            reason=f"动态核验 #{run.pk} 发现：" + "；".join(f["explanation"] for f in findings)[:1500])
    record("recheck.suspended", actor=None, subject=account, new={"run_id": run.pk, "articles": articles,
                                                                   "measure_id": measure.pk})
    return correction_open(actor=None, account=account, measure=measure, case=None, articles=articles)


def recheck_case_confirm(*, actor, case: ReviewCase, reason: str, articles: list[str] | None = None) -> ReviewCase:
    """A moderator confirms a recheck finding: the case is decided with a suspension (Art 15),
    and the correction deadline starts (``on_case_decided``)."""
    if case.reason != CaseReason.RECHECK:
        raise ServiceError(_("不是动态核验工单"), field="case", code="invalid")
    articles = articles or [a for a in case.articles if a in ARTICLE_CODES] or ["15"]
    return case_decide(actor=actor, case=case, decision=CaseDecision.MEASURE, articles=articles, reason=reason,
                       measure={"kind": MeasureKind.SUSPEND, "legal_basis": _legal_basis(articles),
                                "reason": f"动态核验：{reason}"})


def recheck_case_dismiss(*, actor, case: ReviewCase, reason: str = "") -> ReviewCase:
    """The finding does not hold: the case is decided without action."""
    if case.reason != CaseReason.RECHECK:
        raise ServiceError(_("不是动态核验工单"), field="case", code="invalid")
    return case_decide(actor=actor, case=case, decision=CaseDecision.NO_ACTION, reason=reason or "核验无问题")


def on_recheck_case_decided(*, case: ReviewCase, actor) -> RecheckCorrection | None:
    """A recheck case decided with a suspension starts the correction deadline; a close
    proposed on an overdue case ends the correction (the close waits for the second supervisor)."""
    if case.reason != CaseReason.RECHECK or case.decision != CaseDecision.MEASURE or case.account_id is None:
        return None
    measure = (Measure.objects.filter(case=case, action=Measure.Action.APPLY).order_by("-id").first())
    if measure is None:
        return None
    if measure.kind == MeasureKind.SUSPEND and measure.state == MeasureState.ACTIVE:
        if RecheckCorrection.objects.filter(account_id=case.account_id, state=CorrectionState.OPEN).exists():
            return None
        return correction_open(actor=actor, account=case.account, measure=measure, case=case,
                               articles=case.decision_articles or case.articles)
    if measure.kind in (MeasureKind.CLOSE, MeasureKind.BAN_REREGISTRATION):
        RecheckCorrection.objects.filter(close_case=case, state=CorrectionState.OVERDUE).update(
            state=CorrectionState.ENDED, resolved_at=timezone.now())
    return None


def correction_check_after_change(*, actor, account: Account) -> RecheckCorrection | None:
    """Verified information was applied to the account: if it is under a recheck deadline that
    has not passed, recheck it now, and if it passes, lift the suspension (Art 15)."""
    from rechecks.services.checks import ACCOUNT_FIELDS, check_batch

    correction = (RecheckCorrection.objects.select_for_update()
                  .filter(account=account, state=CorrectionState.OPEN, deadline__gte=timezone.now()).first())
    if correction is None:
        return None
    rows = list(Account.objects.filter(pk=account.pk).values(*ACCOUNT_FIELDS))
    results, ruleset = check_batch(rows)
    if results[0].flagged:
        return None
    if correction.measure.state == MeasureState.ACTIVE:
        measure_lift(actor=None, measure=correction.measure, reason="账号已在期限内改正，改正后的信息通过动态核验")
    correction.state, correction.resolved_at = CorrectionState.CORRECTED, timezone.now()
    correction.save(update_fields=["state", "resolved_at"])
    Account.objects.filter(pk=account.pk).update(last_rechecked_at=timezone.now(), last_recheck_ruleset=ruleset)
    record("recheck.corrected", actor=actor, subject=account,
           new={"correction_id": correction.pk, "measure_id": correction.measure_id})
    return correction


def sweep_overdue(now: dt.datetime | None = None) -> int:
    """Deadline sweep (idempotent): a correction past its deadline proposes termination — a
    supervisor-only recheck case recommending close, decided under the four-eyes rule."""
    now = now or timezone.now()
    done = 0
    for pk in RecheckCorrection.objects.filter(state=CorrectionState.OPEN, deadline__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            c = (RecheckCorrection.objects.select_for_update(skip_locked=True).select_related("account")
                 .filter(pk=pk, state=CorrectionState.OPEN).first())
            if c is None:
                continue
            case = case_open(actor=None, reason=CaseReason.RECHECK, source=f"recheck-correction:{c.pk}",
                             account=c.account, requires_supervisor=True, priority=90, findings=[{
                                 "article": "15", "rule": "recheck.correction_overdue", "field": "account",
                                 "span": [0, 0], "matched": "", "term": "", "evasion": [], "severity": "reject",
                                 "explanation": (f"动态核验限期改正已于 {timezone.localtime(c.deadline):%Y-%m-%d} 届满，"
                                                 "账号未改正：建议终止服务（关闭账号），须两位审核主管批准")}])
            c.state, c.close_case, c.resolved_at = CorrectionState.OVERDUE, case, now
            c.save(update_fields=["state", "close_case", "resolved_at"])
            record("recheck.correction_overdue", actor=None, subject=c.account,
                   new={"correction_id": c.pk, "case_id": case.pk, "deadline": c.deadline})
            done += 1
    return done
