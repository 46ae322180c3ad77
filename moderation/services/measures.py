"""Art 17 measures: apply (with four-eyes approval for close and ban), lift, expire, escalate.

Append-only: a lift is a new ``Measure`` row (``action=lift``) pointing at the measure it ends;
the applied row only records its end state. The account's status is derived from its active
measures, and every measure moves the credit ledger (Art 18).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AccountStatus
from accounts.models import Account, IdentityVerification
from core.audit import actor_label_for, record
from moderation import conf, credit_policy, signals, webhooks
from moderation.choices import FOUR_EYES_KINDS, CaseReason, MeasureKind, MeasureState, RestrictFunction
from moderation.models import BlockedIdentity, CreditEvent, Measure
from moderation.services.errors import ModerationError

ARTICLE_CODES = {"7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "10.2", "10.3", "11", "15", "17", "18"}

_STATUS_FOR_KIND = {
    MeasureKind.BAN_REREGISTRATION: AccountStatus.BANNED,
    MeasureKind.CLOSE: AccountStatus.CLOSED,
    MeasureKind.SUSPEND: AccountStatus.SUSPENDED,
    MeasureKind.RESTRICT: AccountStatus.RESTRICTED,
}
_STATUS_ORDER = [AccountStatus.BANNED, AccountStatus.CLOSED, AccountStatus.SUSPENDED, AccountStatus.RESTRICTED]


def _user(actor):
    """The staff user behind an actor (None for the system or an API client)."""
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def _snapshot(account: Account, case=None) -> dict:
    return {"info": account.info_snapshot(), "status": account.status, "credit_score": account.credit_score,
            "findings": list(case.findings) if case is not None else [],
            "taken_at": timezone.now().isoformat()}


def account_status_recompute(account: Account, *, actor=None) -> str:
    """Derive the account status from its active measures (most severe wins)."""
    kinds = set(Measure.objects.filter(account=account, action=Measure.Action.APPLY, state=MeasureState.ACTIVE)
                .values_list("kind", flat=True))
    status = AccountStatus.ACTIVE
    for candidate in _STATUS_ORDER:
        if any(_STATUS_FOR_KIND.get(k) == candidate for k in kinds):
            status = candidate
            break
    current = Account.objects.filter(pk=account.pk).values_list("status", flat=True).first()
    if current != status:
        Account.objects.filter(pk=account.pk).update(status=status)
        record("account.status_changed", actor=actor, subject=account, old={"status": current}, new={"status": status})
    account.status = status
    return status


def credit_record(account: Account, delta: int, reason: str, measure: Measure | None, *, code: str = "measure",
                  actor=None) -> CreditEvent | None:
    """Move the credit score and write its ledger event (Art 18), inside the caller's transaction.
    The score stays within [0, 1000]; ``credit_check`` recomputes it from the ledger the same way.
    Sends ``signals.credit_changed`` so the band's consequences follow (services/credit.py)."""
    if not delta:
        return None
    locked = Account.objects.select_for_update().only("id", "credit_score").get(pk=account.pk)
    before = locked.credit_score
    score = max(0, min(1000, before + delta))
    Account.objects.filter(pk=account.pk).update(credit_score=score)
    event = CreditEvent.objects.create(account=account, delta=delta, score_after=score, reason=reason[:200],
                                       measure=measure, code=code, policy_version=credit_policy.current().version)
    account.credit_score = score
    signals.credit_changed.send(sender=CreditEvent, account=account, before=before, after=score, event=event,
                                actor=actor)
    return event


def _penalty_taken(measure: Measure) -> int:
    """The points the measure took when it took effect (whatever the policy says today)."""
    taken = CreditEvent.objects.filter(measure=measure, delta__lt=0).values_list("delta", flat=True).first()
    return -taken if taken is not None else credit_policy.current().penalty(measure.kind)


def _activate(measure: Measure, actor) -> None:
    from moderation.services.notices import notice_for_measure

    now = timezone.now()
    measure.state = MeasureState.ACTIVE
    measure.effective_from = now
    measure.save()
    account = measure.account
    if measure.kind == MeasureKind.BAN_REREGISTRATION:
        identities = IdentityVerification.objects.filter(account=account).values_list("method", "number_hash")
        BlockedIdentity.objects.bulk_create(
            [BlockedIdentity(method=m, number_hash=h, measure=measure) for m, h in identities], ignore_conflicts=True)
    credit_record(account, -credit_policy.current().penalty(measure.kind),
                  f"{measure.get_kind_display()}：{measure.reason}", measure, actor=actor)
    account_status_recompute(account, actor=actor)
    webhooks.measure_applied(measure)
    notice_for_measure(measure)


def _validate(kind, legal_basis, reason, functions, expires_at):
    if not legal_basis:
        raise ModerationError(_("须注明依据条款"), field="legal_basis")
    unknown = [a for a in legal_basis if a not in ARTICLE_CODES]
    if unknown:
        raise ModerationError(_("未知的条款：%(articles)s") % {"articles": ", ".join(unknown)}, field="legal_basis")
    if len((reason or "").strip()) < 2:
        raise ModerationError(_("须填写理由"), field="reason")
    if kind == MeasureKind.RESTRICT:
        if not functions:
            raise ModerationError(_("限制账号功能须选择被限制的功能"), field="functions")
        bad = [f for f in functions if f not in RestrictFunction.values]
        if bad:
            raise ModerationError(_("未知的功能：%(functions)s") % {"functions": ", ".join(bad)}, field="functions")
    if expires_at is not None and expires_at <= timezone.now():
        raise ModerationError(_("到期时间必须晚于现在"), field="expires_at")
    if kind == MeasureKind.CORRECTION_ORDER and expires_at is None:
        raise ModerationError(_("限期改正须设置改正期限"), field="expires_at")
    if kind in (MeasureKind.CLOSE, MeasureKind.BAN_REREGISTRATION, MeasureKind.WARNING) and expires_at is not None:
        raise ModerationError(_("此类措施不设到期时间"), field="expires_at")


def needs_second_approver(kind: str, expires_at: dt.datetime | None, actor, *, case=None,
                          legal_basis=()) -> bool:
    """Close and ban always wait for a second supervisor; so does a person's suspension that is
    indefinite or longer than ``four_eyes_suspend_days`` (a suspension "until 9999" is a closure in
    all but name). The system's own suspensions (an expired correction order escalating, under the
    configured policy) carry no second person to ask and take effect at once. So does the Art 15
    suspension decided on a recheck case: it lasts until the holder corrects, within a correction
    deadline whose lapse proposes closing, and that close waits for a second supervisor."""
    if kind in FOUR_EYES_KINDS:
        return True
    if kind != MeasureKind.SUSPEND or _user(actor) is None:
        return False
    if case is not None and case.reason == CaseReason.RECHECK and "15" in legal_basis:
        return False
    return expires_at is None or expires_at - timezone.now() > dt.timedelta(days=conf.get("four_eyes_suspend_days"))


@transaction.atomic
def measure_apply(*, actor, account: Account, kind: str, legal_basis: list[str], reason: str,
                  functions: list[str] | tuple = (), expires_at: dt.datetime | None = None, case=None,
                  reportable: bool | None = None) -> Measure:
    """Take an Art 17 measure. ``close``, ``ban_reregistration`` and long or indefinite suspensions
    (``needs_second_approver``) wait for a second person's approval (a supervisor other than the
    proposer); the others take effect at once."""
    kind = MeasureKind(kind)
    if _user(actor) is not None and not actor.has_perm("moderation.add_measure"):
        raise ModerationError(_("没有采取处置措施的权限"), code="forbidden", status=403)
    if kind in FOUR_EYES_KINDS and _user(actor) is None:
        # Four eyes means two people: a proposal needs a human proposer besides the approver.
        raise ModerationError(_("关闭账号、禁止重新注册须由审核人员提出"), field="kind", code="four_eyes", status=409)
    _validate(kind, legal_basis, reason, functions, expires_at)
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.status in (AccountStatus.CLOSED, AccountStatus.BANNED) and kind != MeasureKind.BAN_REREGISTRATION:
        raise ModerationError(_("账号已关闭，不能再采取此措施"), field="kind", code="account_closed", status=409)
    four_eyes = needs_second_approver(kind, expires_at, actor, case=case, legal_basis=legal_basis)
    measure = Measure.objects.create(
        account=account, kind=kind, functions=list(functions), legal_basis=list(legal_basis), reason=reason.strip(),
        evidence=_snapshot(account, case), case=case,
        issued_by=_user(actor), issued_by_label=actor_label_for(actor), expires_at=expires_at,
        reportable=kind in conf.get("reportable") if reportable is None else reportable,
        state=MeasureState.PENDING_APPROVAL if four_eyes else MeasureState.ACTIVE,
    )
    record("measure.proposed" if four_eyes else "measure.applied", actor=actor, subject=account,
           new={"measure_id": measure.pk, "kind": kind, "legal_basis": measure.legal_basis, "reason": measure.reason,
                "functions": measure.functions, "expires_at": expires_at, "case_id": getattr(case, "pk", None)})
    if not four_eyes:
        _activate(measure, actor)
    return measure


@transaction.atomic
def measure_approve(*, actor, measure: Measure) -> Measure:
    """Second-person approval of a close / ban (四眼原则): a supervisor other than the proposer."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.state != MeasureState.PENDING_APPROVAL:
        raise ModerationError(_("该措施不在待批准状态"), code="illegal_transition", status=409)
    if not actor.has_perm("moderation.approve_measure"):
        raise ModerationError(_("只有审核主管可以批准此措施"), code="forbidden", status=403)
    if measure.issued_by_id == actor.pk:
        raise ModerationError(_("提出人不能批准自己提出的措施，须由另一位主管批准"), code="four_eyes", status=409)
    measure.approved_by, measure.approved_at = actor, timezone.now()
    record("measure.approved", actor=actor, subject=measure.account,
           new={"measure_id": measure.pk, "kind": measure.kind, "proposed_by": measure.issued_by_label})
    _activate(measure, actor)
    return measure


@transaction.atomic
def measure_refuse(*, actor, measure: Measure, reason: str) -> Measure:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.state != MeasureState.PENDING_APPROVAL:
        raise ModerationError(_("该措施不在待批准状态"), code="illegal_transition", status=409)
    if not actor.has_perm("moderation.approve_measure") or measure.issued_by_id == actor.pk:
        raise ModerationError(_("须由另一位审核主管复核"), code="four_eyes", status=403)
    if len((reason or "").strip()) < 2:
        raise ModerationError(_("须填写理由"), field="reason")
    measure.state, measure.ended_at = MeasureState.REFUSED, timezone.now()
    measure.save(update_fields=["state", "ended_at"])
    record("measure.refused", actor=actor, subject=measure.account, new={"measure_id": measure.pk, "reason": reason})
    return measure


@transaction.atomic
def measure_lift(*, actor, measure: Measure, reason: str, end_state: str = MeasureState.LIFTED,
                 reversal: bool = False, notify: bool = True) -> Measure:
    """End an active measure with a new lift record. ``reversal`` (it was wrong) restores credit."""
    from moderation.services.notices import notice_for_lift

    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.action != Measure.Action.APPLY or measure.state != MeasureState.ACTIVE:
        raise ModerationError(_("只能解除生效中的措施"), code="illegal_transition", status=409)
    if actor is not None and _user(actor) is not None:
        needed = "moderation.approve_measure" if measure.kind in FOUR_EYES_KINDS else "moderation.add_measure"
        if not actor.has_perm(needed):
            raise ModerationError(_("没有解除此措施的权限"), code="forbidden", status=403)
    if len((reason or "").strip()) < 2:
        raise ModerationError(_("须填写解除理由"), field="reason")
    now = timezone.now()
    lift = Measure.objects.create(
        account=measure.account, action=Measure.Action.LIFT, kind=measure.kind, lifts=measure,
        state=MeasureState(end_state), legal_basis=measure.legal_basis, reason=reason.strip(),
        evidence=_snapshot(measure.account), issued_by=_user(actor), issued_by_label=actor_label_for(actor),
        effective_from=now, case=measure.case,
    )
    measure.state, measure.ended_at = MeasureState(end_state), now
    measure.save(update_fields=["state", "ended_at"])
    if measure.kind == MeasureKind.BAN_REREGISTRATION:
        BlockedIdentity.objects.filter(measure=measure, lifted_at__isnull=True).update(lifted_at=now)
    if reversal:
        credit_record(measure.account, _penalty_taken(measure), f"撤销{measure.get_kind_display()}：{reason}", lift,
                      code="reversal", actor=actor)
    record("measure.lifted", actor=actor, subject=measure.account,
           new={"measure_id": measure.pk, "lift_id": lift.pk, "end_state": end_state, "reason": reason,
                "reversal": reversal})
    account_status_recompute(measure.account, actor=actor)
    webhooks.measure_lifted(measure, lift)
    if notify:
        notice_for_lift(measure, lift)
    return lift


def lift_corrections_after_passing_change(*, actor, account: Account) -> int:
    """A change that passed verification lifts the account's open correction orders (Art 17)."""
    lifted = 0
    for m in Measure.objects.filter(account=account, kind=MeasureKind.CORRECTION_ORDER, action=Measure.Action.APPLY,
                                    state=MeasureState.ACTIVE):
        measure_lift(actor=actor, measure=m, reason="账号已改正，改正后的信息通过核验")
        lifted += 1
    return lifted


def sweep_measures(now: dt.datetime | None = None) -> dict:
    """Deadline sweep (idempotent): timed measures past ``expires_at`` expire; correction orders
    past their deadline without a passing correction escalate as policy says (default: suspend)."""
    now = now or timezone.now()
    counts = {"expired": 0, "escalated": 0, "errors": 0}
    due = Measure.objects.filter(action=Measure.Action.APPLY, state=MeasureState.ACTIVE, expires_at__lte=now)
    for m in due.order_by("id").iterator():
        try:
            with transaction.atomic():
                locked = Measure.objects.select_for_update(skip_locked=True).filter(
                    pk=m.pk, state=MeasureState.ACTIVE).first()
                if locked is None:
                    continue
                if locked.kind == MeasureKind.CORRECTION_ORDER:
                    measure_lift(actor=None, measure=locked, reason="改正期限届满，未完成改正",
                                 end_state=MeasureState.ESCALATED, notify=False)
                    escalation = conf.get("correction_escalation")
                    days = conf.get("correction_escalation_days")
                    measure_apply(actor=None, account=locked.account, kind=escalation,
                                  legal_basis=sorted(set(locked.legal_basis) | {"17"}),
                                  reason=f"限期改正（措施 #{locked.pk}）逾期未改正",
                                  expires_at=now + dt.timedelta(days=days) if days else None, case=locked.case)
                    counts["escalated"] += 1
                else:
                    measure_lift(actor=None, measure=locked, reason="措施期限届满，自动解除", end_state=MeasureState.EXPIRED)
                    counts["expired"] += 1
        except ModerationError:
            counts["errors"] += 1
    return counts
