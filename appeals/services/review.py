"""Reviewing appeals: the queue (claim-next), and the decision by an independent supervisor.

Independence is enforced here, not only on the page: the reviewer must hold
``appeals.decide_appeal`` and must not be the person who issued or approved the measure, nor
the one who decided the case it came from. Outcomes:

* upheld (维持): nothing changes;
* lifted (撤销): the measure ends with a lift record and its credit penalty is given back
  (``measure_lift(reversal=True)``); a refused submission is applied after all;
* changed (变更): the measure ends (penalty given back) and a lighter measure is taken.

The original records are never edited or deleted; the holder gets a notice either way.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import conf
from appeals.choices import APPEAL_TRANSITIONS, AppealOutcome, AppealStatus
from appeals.models import Appeal
from appeals.services.common import require_decider
from core.audit import actor_label_for, record
from core.errors import ServiceError
from moderation.choices import MeasureKind, NoticeKind, SubmissionKind, SubmissionStatus
from moderation.services.measures import ARTICLE_CODES, measure_apply, measure_lift
from moderation.services.notices import article_text, notice_create
from moderation.services.submissions import submission_apply_to_account

_SEVERITY = list(MeasureKind.values)  # mildest first


def involved_user_ids(appeal: Appeal) -> set[int]:
    """Everyone who took part in the decision under appeal (never its reviewer)."""
    ids = {appeal.original_decider_id}
    if appeal.measure is not None:
        ids |= {appeal.measure.issued_by_id, appeal.measure.approved_by_id}
    if appeal.original_case is not None:
        ids.add(appeal.original_case.decided_by_id)
    ids.discard(None)
    return ids


def require_independent(actor, appeal: Appeal) -> None:
    require_decider(actor)
    if actor.pk in involved_user_ids(appeal):
        raise ServiceError(_("参与过原决定（提出、批准或决定）的人员不能复核此申诉，须由另一位主管复核"),
                           code="not_independent", status=403)


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("measure", "original_case", "submission").get(
        pk=appeal.pk)


def _transition(appeal: Appeal, status: str) -> None:
    if status not in APPEAL_TRANSITIONS[AppealStatus(appeal.status)]:
        raise ServiceError(_("申诉当前状态不允许此操作"), code="illegal_transition", status=409)
    appeal.status = status


@transaction.atomic
def appeal_claim(*, actor, appeal: Appeal) -> Appeal:
    """Take an appeal to review it (only an independent supervisor may)."""
    appeal = _lock(appeal)
    require_independent(actor, appeal)
    now = timezone.now()
    if (appeal.status == AppealStatus.CLAIMED and appeal.assignee_id not in (None, actor.pk)
            and appeal.claim_expires_at and appeal.claim_expires_at > now):
        raise ServiceError(_("此申诉已由他人复核中"), code="claimed", status=409)
    _transition(appeal, AppealStatus.CLAIMED)
    appeal.assignee, appeal.claimed_at = actor, now
    appeal.claim_expires_at = now + dt.timedelta(minutes=conf.get("claim_minutes"))
    appeal.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
    record("appeal.claimed", actor=actor, subject=appeal, new={"tracking_code": appeal.tracking_code})
    return appeal


def _claimable(actor, now):
    mine = Q(original_decider=actor) | Q(measure__issued_by=actor) | Q(measure__approved_by=actor) | Q(
        original_case__decided_by=actor)
    return (Appeal.objects.filter(Q(status=AppealStatus.OPEN) | Q(status=AppealStatus.CLAIMED,
                                                                  claim_expires_at__lt=now))
            .exclude(mine).order_by("answer_due_at", "id"))


@transaction.atomic
def appeal_claim_next(*, actor) -> Appeal | None:
    """The oldest-due appeal this supervisor may review (never one they took part in), to one
    reviewer only under concurrency (SKIP LOCKED)."""
    require_decider(actor)
    now = timezone.now()
    ids = list(_claimable(actor, now).values_list("id", flat=True)[:20])
    head = Appeal.objects.select_for_update(skip_locked=True).filter(pk__in=ids).order_by("answer_due_at", "id").first()
    if head is None:
        return None
    return appeal_claim(actor=actor, appeal=head)


@transaction.atomic
def appeal_release(*, actor, appeal: Appeal) -> Appeal:
    appeal = _lock(appeal)
    require_decider(actor)
    if appeal.assignee_id != actor.pk and not actor.has_perm("moderation.reassign_case"):
        raise ServiceError(_("只能释放自己领取的申诉"), code="forbidden", status=403)
    _transition(appeal, AppealStatus.OPEN)
    appeal.assignee = appeal.claimed_at = appeal.claim_expires_at = None
    appeal.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
    record("appeal.released", actor=actor, subject=appeal, new={"tracking_code": appeal.tracking_code})
    return appeal


def _validate(appeal: Appeal, outcome: str, reason: str, articles: list[str], new_kind: str | None) -> None:
    if outcome not in AppealOutcome.values:
        raise ServiceError(_("请选择复核结果"), field="outcome")
    if len((reason or "").strip()) < 2:
        raise ServiceError(_("须写明复核理由"), field="reason")
    if not articles:
        raise ServiceError(_("须注明依据条款"), field="articles")
    unknown = [a for a in articles if a not in ARTICLE_CODES]
    if unknown:
        raise ServiceError(_("未知的条款：%(articles)s") % {"articles": ", ".join(unknown)}, field="articles")
    if outcome == AppealOutcome.CHANGED:
        if appeal.measure is None:
            raise ServiceError(_("对注册或变更的申诉只能维持或撤销"), field="outcome")
        if new_kind not in _SEVERITY or _SEVERITY.index(new_kind) >= _SEVERITY.index(appeal.measure.kind):
            raise ServiceError(_("变更后的措施须比原措施轻"), field="new_kind")


def _apply_outcome(actor, appeal: Appeal, outcome: str, reason: str, change: dict) -> None:
    text = f"申诉 {appeal.tracking_code} 复核：{reason}"
    if outcome == AppealOutcome.LIFTED and appeal.measure is not None:
        appeal.lift = measure_lift(actor=actor, measure=appeal.measure, reason=text, reversal=True, notify=False)
    elif outcome == AppealOutcome.LIFTED:
        submission = appeal.submission
        if submission.kind == SubmissionKind.REGISTRATION and appeal.account_id is None:
            from accounts.models import Account

            if Account.objects.filter(uid=submission.uid).exists():
                raise ServiceError(_("账号 %(uid)s 已存在") % {"uid": submission.uid}, field="outcome", status=409)
        submission_apply_to_account(actor=actor, submission=submission, status=SubmissionStatus.APPROVED)
        submission.response = {**submission.response, "status": submission.status, "appeal": appeal.tracking_code}
        submission.save()
        appeal.account = submission.account
    elif outcome == AppealOutcome.CHANGED:
        measure = appeal.measure
        appeal.lift = measure_lift(actor=actor, measure=measure, reason=text, reversal=True, notify=False)
        appeal.new_measure = measure_apply(
            actor=actor, account=measure.account, kind=change["new_kind"], legal_basis=list(measure.legal_basis),
            reason=text, functions=change.get("functions") or (), expires_at=change.get("expires_at"),
            case=measure.case)


_OUTCOME_WORDS = {
    AppealOutcome.UPHELD: "经复核，维持原决定。",
    AppealOutcome.LIFTED: "经复核，撤销原决定。",
    AppealOutcome.CHANGED: "经复核，原措施变更为较轻的措施。",
}


def _notify(appeal: Appeal) -> None:
    subject = appeal.measure.get_kind_display() if appeal.measure else "不予注册或变更"
    body = (f"您对「{subject}」提出的申诉（编号 {appeal.tracking_code}）已复核。{_OUTCOME_WORDS[appeal.outcome]}"
            f"依据：《互联网用户账号信息管理规定》{article_text(appeal.outcome_articles)}。理由：{appeal.outcome_reason}")
    if appeal.new_measure is not None:
        body += f"\n变更后的措施：{appeal.new_measure.get_kind_display()}。"
    notice_create(account=appeal.account, account_uid=appeal.account_uid, kind=NoticeKind.APPEAL_DECIDED,
                  title=f"申诉处理结果：{AppealOutcome(appeal.outcome).label}", body=body,
                  articles=appeal.outcome_articles, measure=appeal.new_measure or appeal.lift or appeal.measure,
                  submission=appeal.submission, case=appeal.original_case)


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, outcome: str, reason: str, articles: list[str],
                  new_kind: str | None = None, functions=(), expires_at: dt.datetime | None = None) -> Appeal:
    """Decide an appeal as an independent supervisor: upheld, lifted or changed to a lighter measure,
    with reasons and articles; the holder is told; the original records stay as they were."""
    appeal = _lock(appeal)
    require_independent(actor, appeal)
    if appeal.status == AppealStatus.CLAIMED and appeal.assignee_id not in (None, actor.pk) and (
            appeal.claim_expires_at and appeal.claim_expires_at > timezone.now()):
        raise ServiceError(_("此申诉已由他人复核中"), code="claimed", status=409)
    _transition(appeal, AppealStatus.DECIDED)
    articles = list(dict.fromkeys(articles or []))
    _validate(appeal, outcome, reason, articles, new_kind)
    reason = reason.strip()
    _apply_outcome(actor, appeal, outcome, reason, {"new_kind": new_kind, "functions": list(functions),
                                                    "expires_at": expires_at})
    now = timezone.now()
    appeal.outcome, appeal.outcome_reason, appeal.outcome_articles = outcome, reason, articles
    appeal.decided_by, appeal.decided_by_label, appeal.decided_at = actor, actor_label_for(actor), now
    appeal.save()
    _notify(appeal)
    record("appeal.decided", actor=actor, subject=appeal, new={
        "tracking_code": appeal.tracking_code, "outcome": outcome, "reason": reason, "articles": articles,
        "lift_id": appeal.lift_id, "new_measure_id": appeal.new_measure_id, "on_time": now <= appeal.answer_due_at})
    return appeal
