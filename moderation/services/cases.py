"""Review cases (审核工单): open or attach, claim, release, reassign, decide, notes."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import ReviewStatus
from accounts.models import Account, Qualification
from accounts.services import (
    QualificationInput,
    org_certification_decide,
    qualification_decide,
    qualification_submit,
)
from core.audit import record
from core.fastinsert import insert
from moderation import conf, credit_policy, signals
from moderation.choices import (
    CASE_TRANSITIONS,
    OPEN_CASE_STATUSES,
    CaseDecision,
    CaseReason,
    CaseStatus,
    MeasureKind,
)
from moderation.models import CaseNote, ReviewCase
from moderation.services.errors import ModerationError
from moderation.services.measures import credit_record, measure_apply
from moderation.services.notices import notice_create
from moderation.services.submissions import submission_apply, submission_refuse


def _articles(findings: list[dict]) -> list[str]:
    return list(dict.fromkeys(f.get("article", "") for f in findings if f.get("article")))


def _transition(case: ReviewCase, new: str) -> None:
    if new not in CASE_TRANSITIONS[CaseStatus(case.status)]:
        raise ModerationError(_("工单状态不能从 %(old)s 变为 %(new)s") % {"old": case.status, "new": new}, field="status",
                              code="illegal_transition", status=409)
    case.status = new


def case_open(*, actor, reason: str, source: str, account: Account | None = None, subject_uid: str = "",
              findings: list[dict] | None = None, priority: int | None = None, requires_supervisor: bool = False,
              qualification=None, org_certification=None, complaint=None, due_at=None) -> ReviewCase:
    """Open a case for (subject, reason), or attach this source to the open one (one per pair)."""
    subject_uid = account.uid if account is not None else subject_uid
    if not subject_uid:
        raise ValueError("case_open needs an account or a subject_uid")
    findings = list(findings or [])
    for _attempt in range(3):
        try:
            with transaction.atomic():
                existing = (ReviewCase.objects.select_for_update()
                            .filter(subject_uid=subject_uid, reason=reason, status__in=OPEN_CASE_STATUSES).first())
                if existing is not None:
                    seen = {(f.get("rule"), f.get("field"), tuple(f.get("span") or ())) for f in existing.findings}
                    existing.findings += [f for f in findings
                                          if (f.get("rule"), f.get("field"), tuple(f.get("span") or ())) not in seen]
                    existing.articles = _articles(existing.findings)
                    existing.priority = max(existing.priority, priority or 0)
                    existing.requires_supervisor = existing.requires_supervisor or requires_supervisor
                    if account is not None and existing.account_id is None:
                        existing.account = account
                    existing.qualification = qualification or existing.qualification
                    existing.org_certification = org_certification or existing.org_certification
                    existing.save()
                    record("case.source_attached", actor=actor, subject=existing,
                           new={"source": source, "findings": len(findings)})
                    return existing
                now = timezone.now()
                case = insert(ReviewCase(
                    subject_uid=subject_uid, account=account, reason=reason, findings=findings,
                    articles=_articles(findings), priority=priority if priority is not None else conf.get("priority").get(reason, 50),
                    requires_supervisor=requires_supervisor, due_at=due_at or now + conf.due_delta(reason),
                    qualification=qualification, org_certification=org_certification,
                ))
                record("case.opened", actor=actor, subject=case,
                       new={"reason": reason, "source": source, "subject_uid": subject_uid,
                            "articles": case.articles, "requires_supervisor": requires_supervisor})
                return case
        except IntegrityError:
            continue  # a concurrent opener won the race: attach to its case
    raise ModerationError(_("无法创建工单，请重试"), code="conflict", status=409)


def _can_decide_strict(user) -> bool:
    return user.has_perm("moderation.decide_strict_case")


def approval_refusal(user, case: ReviewCase, decision: str) -> str:
    """Why ``user`` may not take this approving decision ("" if they may): Art 11 labels and
    organisation certification are shown to the public, so supervisors approve them."""
    approve = decision in (CaseDecision.APPROVE, CaseDecision.APPROVE_WITH_LABEL)
    if (decision == CaseDecision.APPROVE_WITH_LABEL or (approve and case.qualification_id)) and \
            not user.has_perm("accounts.change_qualification"):
        return _("资质标识须由审核主管批准")
    if approve and case.org_certification_id and not user.has_perm("accounts.change_orgcertification"):
        return _("机构认证须由审核主管批准")
    return ""


@transaction.atomic
def case_claim_next(*, actor, reason: str | None = None) -> ReviewCase | None:
    """Hand the oldest-due claimable case to ``actor`` — to one moderator only, even under
    concurrency (``SELECT … FOR UPDATE SKIP LOCKED``). Abandoned (expired) claims count as
    claimable; taking one over records whose it was."""
    if not actor.has_perm("moderation.decide_case"):
        raise ModerationError(_("没有处理工单的权限"), code="forbidden", status=403)
    claim = _claim_next_in_one_statement if connection.vendor == "postgresql" else _claim_next_orm
    return claim(actor, reason, timezone.now())


# Claim-next is the hottest write of the queue: with twenty moderators claiming at once the
# ORM's SELECT … FOR UPDATE then UPDATE (two round trips, ~3 ms more Python per claim) doubled
# its median and p95 (bench/queue.py), so PostgreSQL does it in one statement. Each branch walks
# an index to the queue head, so the backlog size does not matter; the expired branch returns
# whose claim it was, read from the row it locked.
_CLAIM_NEXT_SQL = """
WITH open_head AS (
       SELECT id, due_at, priority, assignee_id FROM {table}
        WHERE status = %(open)s {scope}
        ORDER BY due_at, priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED),
     expired_head AS (
       SELECT id, due_at, priority, assignee_id FROM {table}
        WHERE status = %(claimed)s AND claim_expires_at < %(now)s {scope}
        ORDER BY due_at, priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED),
     head AS (
       SELECT id, assignee_id FROM (SELECT * FROM open_head UNION ALL SELECT * FROM expired_head) candidates
        ORDER BY due_at, priority DESC, id LIMIT 1)
UPDATE {table} AS c SET status = %(claimed)s, assignee_id = %(user)s, claimed_at = %(now)s,
       claim_expires_at = %(expires)s
  FROM head
 WHERE c.id = head.id
RETURNING c.id, c.subject_uid, c.reason, (SELECT username FROM {users} WHERE id = head.assignee_id)
"""


def _claim_next_in_one_statement(actor, reason: str | None, now) -> ReviewCase | None:
    expires = now + dt.timedelta(minutes=conf.get("claim_minutes"))
    scope, params = "", {"user": actor.pk, "now": now, "expires": expires,
                         "open": CaseStatus.OPEN.value, "claimed": CaseStatus.CLAIMED.value}
    if reason:
        scope += " AND reason = %(reason)s"
        params["reason"] = reason
    if not _can_decide_strict(actor):
        scope += " AND NOT requires_supervisor"
    sql = _CLAIM_NEXT_SQL.format(table=ReviewCase._meta.db_table, users=get_user_model()._meta.db_table, scope=scope)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        return None
    case_id, subject_uid, case_reason, previous = row
    case = ReviewCase(id=case_id, subject_uid=subject_uid, reason=case_reason, status=CaseStatus.CLAIMED,
                      assignee=actor, claimed_at=now, claim_expires_at=expires)
    record("case.claimed", actor=actor, subject=case, old={"assignee": previous}, new={"assignee": actor.username})
    return case  # only the claim fields are loaded; refresh_from_db() for the rest


def _claim_next_orm(actor, reason: str | None, now) -> ReviewCase | None:
    """The same claim on databases without the statement above (SQLite for ``make run``)."""
    case = _queue_head(actor, reason, now)
    if case is None:
        return None
    _claim(case, actor, now)
    return case


def _queue_head(actor, reason: str | None, now) -> ReviewCase | None:
    """The first claimable case in queue order, locked; rows that concurrent claimers hold are
    skipped where the database can lock rows."""
    claimable = Q(status=CaseStatus.OPEN) | Q(status=CaseStatus.CLAIMED, claim_expires_at__lt=now)
    scope = ReviewCase.objects.filter(claimable)
    if reason:
        scope = scope.filter(reason=reason)
    if not _can_decide_strict(actor):
        scope = scope.filter(requires_supervisor=False)
    return scope.order_by("due_at", "-priority", "id").select_for_update(skip_locked=True).first()


def _claim(case: ReviewCase, actor, now) -> None:
    previous = case.assignee.username if case.assignee_id and case.assignee else None
    _transition(case, CaseStatus.CLAIMED)
    case.assignee = actor
    case.claimed_at = now
    case.claim_expires_at = now + dt.timedelta(minutes=conf.get("claim_minutes"))
    case.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
    record("case.claimed", actor=actor, subject=case, old={"assignee": previous}, new={"assignee": actor.username})


@transaction.atomic
def case_claim(*, actor, case: ReviewCase) -> ReviewCase:
    if not actor.has_perm("moderation.decide_case"):
        raise ModerationError(_("没有处理工单的权限"), code="forbidden", status=403)
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    if case.status == CaseStatus.CLAIMED and case.assignee_id not in (None, actor.pk) and case.claim_expires_at > now:
        raise ModerationError(_("该工单已被他人领取"), code="already_claimed", status=409)
    if case.requires_supervisor and not _can_decide_strict(actor):
        raise ModerationError(_("从严核验工单只能由审核主管处理"), code="forbidden", status=403)
    _claim(case, actor, now)
    return case


@transaction.atomic
def case_release(*, actor, case: ReviewCase, reason: str = "") -> ReviewCase:
    """Give a claimed case back to the queue (recorded)."""
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.CLAIMED:
        raise ModerationError(_("只有处理中的工单可以释放"), code="illegal_transition", status=409)
    if actor is not None and case.assignee_id != actor.pk and not actor.has_perm("moderation.reassign_case"):
        raise ModerationError(_("只能释放自己领取的工单"), code="forbidden", status=403)
    old = case.assignee.username if case.assignee else None
    _transition(case, CaseStatus.OPEN)
    case.assignee, case.claimed_at, case.claim_expires_at = None, None, None
    case.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
    record("case.released", actor=actor, subject=case, old={"assignee": old}, new={"reason": reason})
    return case


@transaction.atomic
def case_reassign(*, actor, case: ReviewCase, assignee) -> ReviewCase:
    """A supervisor hands a case to a named moderator (recorded)."""
    if not actor.has_perm("moderation.reassign_case"):
        raise ModerationError(_("没有改派工单的权限"), code="forbidden", status=403)
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ModerationError(_("工单已决定，不能改派"), code="illegal_transition", status=409)
    if case.requires_supervisor and not _can_decide_strict(assignee):
        raise ModerationError(_("从严核验工单只能改派给审核主管"), field="assignee", code="forbidden", status=409)
    old = case.assignee.username if case.assignee else None
    now = timezone.now()
    case.status = CaseStatus.CLAIMED
    case.assignee, case.claimed_at = assignee, now
    case.claim_expires_at = now + dt.timedelta(minutes=conf.get("claim_minutes"))
    case.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
    record("case.reassigned", actor=actor, subject=case, old={"assignee": old}, new={"assignee": assignee.username})
    return case


def release_expired_claims() -> int:
    """Sweep: abandoned claims go back to the queue, each release recorded. Idempotent."""
    now = timezone.now()
    released = 0
    for case in ReviewCase.objects.filter(status=CaseStatus.CLAIMED, claim_expires_at__lt=now).iterator():
        with transaction.atomic():
            locked = ReviewCase.objects.select_for_update(skip_locked=True).filter(
                pk=case.pk, status=CaseStatus.CLAIMED, claim_expires_at__lt=now).first()
            if locked is None:
                continue
            old = locked.assignee.username if locked.assignee else None
            locked.status, locked.assignee, locked.claimed_at, locked.claim_expires_at = CaseStatus.OPEN, None, None, None
            locked.save(update_fields=["status", "assignee", "claimed_at", "claim_expires_at"])
            record("case.claim_expired", actor=None, subject=locked, old={"assignee": old})
            released += 1
    return released


@transaction.atomic
def case_add_note(*, actor, case: ReviewCase, text: str) -> CaseNote:
    """An internal note (staff only; never copied into a notice)."""
    if not actor.has_perm("moderation.add_casenote"):
        raise ModerationError(_("没有添加备注的权限"), code="forbidden", status=403)
    text = (text or "").strip()
    if not text:
        raise ModerationError(_("备注不能为空"), field="text")
    note = CaseNote.objects.create(case=case, author=actor, author_label=actor.username, text=text[:4000])
    record("case.note_added", actor=actor, subject=case, new={"note_id": note.pk, "length": len(text)})
    return note


@transaction.atomic
def case_close(*, actor, case: ReviewCase, reason: str) -> ReviewCase:
    """Close a case without a decision on the account (e.g. its submissions were superseded)."""
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    old = case.status
    _transition(case, CaseStatus.CLOSED)
    case.decision_reason = reason
    case.save(update_fields=["status", "decision_reason"])
    record("case.closed", actor=actor, subject=case, old={"status": old}, new={"reason": reason})
    return case


@transaction.atomic
def case_decide(*, actor, case: ReviewCase, decision: str, articles: list[str] | None = None, reason: str = "",
                measure: dict | None = None, label_domain: str | None = None) -> ReviewCase:
    """Decide a case and carry the decision out: apply or refuse the waiting submissions,
    approve or refuse a qualification / certification, apply a measure, and notify.

    ``measure``: ``{"kind", "legal_basis"?, "reason"?, "functions"?, "expires_at"?}`` for
    decision ``measure``. Strict-review cases need a supervisor (Art 10 ¶2 从严核验).
    """
    case = _lock_for_decision(actor, case)
    decision = CaseDecision(decision)
    articles = [a for a in (articles or []) if a]
    _check_decision(actor, case, decision, articles, reason, measure, label_domain)
    approve = decision in (CaseDecision.APPROVE, CaseDecision.APPROVE_WITH_LABEL)
    _settle_submissions(actor, case, decision, approve, articles, reason)
    if case.qualification_id:
        _decide_qualification(actor, case, approve, reason)
    if case.org_certification_id:
        _decide_certification(actor, case, approve, reason)
    if decision == CaseDecision.APPROVE_WITH_LABEL and label_domain and case.account_id:
        _add_label(actor, case, label_domain)
    if decision == CaseDecision.MEASURE:
        _apply_measure(actor, case, measure, articles, reason)
    _mark_decided(actor, case, decision, articles, reason, measure, label_domain)
    signals.case_decided.send(sender=ReviewCase, case=case, actor=actor)
    return case


def _lock_for_decision(actor, case: ReviewCase) -> ReviewCase:
    """Lock the case and check that ``actor`` may decide it now: still open, the permission, a
    supervisor for strict review (Art 10 ¶2), and nobody else's live claim on it."""
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ModerationError(_("工单已决定或已关闭"), code="illegal_transition", status=409)
    if not actor.has_perm("moderation.decide_case"):
        raise ModerationError(_("没有决定工单的权限"), code="forbidden", status=403)
    if case.requires_supervisor and not _can_decide_strict(actor):
        raise ModerationError(_("从严核验工单只能由审核主管决定"), code="forbidden", status=403)
    if case.status == CaseStatus.CLAIMED and case.assignee_id not in (None, actor.pk) and \
            case.claim_expires_at and case.claim_expires_at > timezone.now():
        raise ModerationError(_("该工单由他人处理中"), code="already_claimed", status=409)
    return case


def _check_decision(actor, case: ReviewCase, decision: CaseDecision, articles: list[str], reason: str,
                    measure: dict | None, label_domain: str | None) -> None:
    """A refusal names its articles and reason (Art 10, 17); a measure names its kind; a label
    names its domain; pending submissions are approved or refused, never left; public labels and
    certifications are approved by a supervisor."""
    negative = decision in (CaseDecision.REJECT, CaseDecision.MEASURE)
    if negative and not articles:
        raise ModerationError(_("驳回须注明依据条款"), field="articles")
    if negative and len(reason.strip()) < 2:
        raise ModerationError(_("驳回须填写理由"), field="reason")
    if decision == CaseDecision.MEASURE and not (measure and measure.get("kind")):
        raise ModerationError(_("请选择处置措施"), field="measure")
    if decision == CaseDecision.APPROVE_WITH_LABEL and case.reason != CaseReason.QUALIFICATION and not label_domain:
        raise ModerationError(_("请选择要加注的资质领域"), field="label_domain")

    if decision == CaseDecision.NO_ACTION and case.submissions.filter(status="pending").exists():
        raise ModerationError(_("该工单有待核验的注册或变更，请选择通过或驳回"), field="decision")
    refusal = approval_refusal(actor, case, decision)
    if refusal:
        raise ModerationError(refusal, field="decision", code="forbidden", status=403)


def _settle_submissions(actor, case: ReviewCase, decision: CaseDecision, approve: bool, articles: list[str],
                        reason: str) -> None:
    """Apply (approve) or refuse (reject, measure) the registrations and changes waiting on the
    case; ``no_action`` leaves none waiting (checked before)."""
    for submission in case.submissions.filter(status="pending").order_by("id"):
        if approve:
            applied = submission_apply(actor=actor, submission=submission)
            if case.account_id is None and applied.account_id:
                case.account_id = applied.account_id  # a registration: the case is now about its account
        elif decision != CaseDecision.NO_ACTION:
            submission_refuse(actor=actor, submission=submission, articles=articles, reason=reason, case=case)


def _add_label(actor, case: ReviewCase, label_domain: str) -> None:
    """The reviewer saw an Art 11 qualification and labels the account with it."""
    q = qualification_submit(actor=actor, account=case.account, data=QualificationInput(
        domain=label_domain, document_name="审核加注", document_number=f"case-{case.pk}", issuer="平台审核"))
    qualification_decide(actor=actor, qualification=q, status=ReviewStatus.APPROVED, note=f"工单 #{case.pk}")


def _apply_measure(actor, case: ReviewCase, measure: dict, articles: list[str], reason: str) -> None:
    if case.account_id is None:
        raise ModerationError(_("尚未注册的账号不能采取处置措施，请直接驳回"), field="measure")
    measure_apply(
        actor=actor, account=case.account, kind=MeasureKind(measure["kind"]),
        legal_basis=measure.get("legal_basis") or articles, reason=measure.get("reason") or reason,
        functions=measure.get("functions") or (), expires_at=measure.get("expires_at"), case=case,
    )


def _mark_decided(actor, case: ReviewCase, decision: CaseDecision, articles: list[str], reason: str,
                  measure: dict | None, label_domain: str | None) -> None:
    old_status = case.status
    _transition(case, CaseStatus.DECIDED)
    case.decision, case.decision_articles, case.decision_reason = decision, articles, reason
    case.decided_by, case.decided_at = actor, timezone.now()
    case.save()
    record("case.decided", actor=actor, subject=case, old={"status": old_status},
           new={"decision": decision, "articles": articles, "reason": reason,
                "measure": (measure or {}).get("kind"), "label_domain": label_domain})


# The rule of a qualification's finding on its case, followed by ".<domain>" (moderation.hooks).
QUALIFICATION_RULE = "qualification_submitted"


def _listed_qualifications(case) -> list:
    """The pending qualifications a case decides: the one it points at and every other one of the
    account whose domain it lists as a finding (``moderation.hooks``: one finding per domain)."""
    prefix = f"{QUALIFICATION_RULE}."
    domains = {f["rule"][len(prefix):] for f in case.findings if str(f.get("rule", "")).startswith(prefix)}
    listed = Qualification.objects.filter(account_id=case.qualification.account_id, status=ReviewStatus.PENDING,
                                          domain__in=domains | {case.qualification.domain})
    return list(listed.order_by("id"))


def _credit_verified(account, what: str) -> None:
    """Art 18: a verified qualification or certification adds the policy's points (up to its ceiling)."""
    policy = credit_policy.current()
    points = min(int(policy.rules["events"].get("qualification_verified", 0)),
                 policy.rules["max"] - account.credit_score) if account is not None else 0
    if points > 0:
        credit_record(account, points, f"{what}通过核验", None, code="qualification_verified")


def _decide_qualification(actor, case, approve, reason):
    for q in _listed_qualifications(case):
        _decide_one_qualification(actor, case, q, approve, reason)


def _decide_one_qualification(actor, case, q, approve, reason):
    qualification_decide(actor=actor, qualification=q, status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
                         note=reason)
    if approve:
        _credit_verified(case.account, f"{q.get_domain_display()}资质")
    notice_create(account=case.account, kind="qualification_decided",
                  title="资质审核通过" if approve else "资质审核未通过",
                  body=(f"您提交的{q.get_domain_display()}资质（{q.document_name}）已审核通过，账号将展示相应标识。" if approve
                        else f"您提交的{q.get_domain_display()}资质（{q.document_name}）未通过审核：{reason}"),
                  articles=["11"], case=case)


def _decide_certification(actor, case, approve, reason):
    if case.org_certification.status != ReviewStatus.PENDING:
        return
    cert = org_certification_decide(actor=actor, certification=case.org_certification, approve=approve, reason=reason)
    if approve:
        _credit_verified(cert.account, "机构认证")
    notice_create(account=cert.account, kind="certification_decided",
                  title="机构认证通过" if approve else "机构认证未通过",
                  body=(f"机构认证（{cert.full_name}）已通过。" if approve else f"机构认证（{cert.full_name}）未通过：{reason}"),
                  articles=["7", "9"], case=case)


@transaction.atomic
def saved_view_save(*, actor, name: str, query: str, shared: bool = False):
    """Keep (or replace) a named queue view for ``actor``; recorded, since a shared one changes
    what colleagues see."""
    from urllib.parse import parse_qsl, urlencode

    from moderation.models import SavedView

    if not actor.has_perm("moderation.view_reviewcase"):
        raise ModerationError(_("没有查看工单队列的权限"), code="forbidden", status=403)
    name = (name or "").strip()
    if not name:
        raise ModerationError(_("请填写视图名称"), field="name")
    if len(name) > 60:
        raise ModerationError(_("视图名称不能超过 60 个字"), field="name")
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k not in ("page", "since")]
    view, _created = SavedView.objects.update_or_create(owner=actor, name=name,
                                                        defaults={"query": urlencode(pairs)[:1000], "shared": shared})
    record("saved_view.saved", actor=actor, subject=view, new={"name": name, "query": view.query, "shared": shared})
    return view


@transaction.atomic
def saved_view_delete(*, actor, view) -> None:
    if view.owner_id != actor.pk:
        raise ModerationError(_("只能删除自己的视图"), code="forbidden", status=403)
    record("saved_view.deleted", actor=actor, subject=view, old={"name": view.name, "query": view.query})
    view.delete()


def _reverse_effects(actor, case: ReviewCase) -> dict:
    """Undo what a decision did that can be undone cleanly: its measures are lifted as a reversal
    (credit restored, pending ones refused), the submissions it refused wait again. A decision that
    applied information, labelled or certified is not undone (the account has changed)."""
    from moderation.choices import MeasureState
    from moderation.models import Measure
    from moderation.services.measures import measure_lift

    if case.submissions.filter(status__in=("approved",)).exists() or case.qualification_id or case.org_certification_id \
            or case.decision == CaseDecision.APPROVE_WITH_LABEL:
        raise ModerationError(_("此决定已使信息或资质生效，不能撤销；请由主管重新打开工单"), code="not_undoable",
                              status=409)
    lifted = 0
    for m in Measure.objects.filter(case=case, action=Measure.Action.APPLY).order_by("id"):
        if m.state == MeasureState.ACTIVE:
            measure_lift(actor=actor, measure=m, reason=_("撤销工单 #%(id)s 的决定") % {"id": case.pk}, reversal=True)
            lifted += 1
        elif m.state == MeasureState.PENDING_APPROVAL:
            m.state, m.ended_at = MeasureState.REFUSED, timezone.now()
            m.save(update_fields=["state", "ended_at"])
            lifted += 1
    waiting = case.submissions.filter(status="refused").update(status="pending", decided_at=None)
    return {"measures_reversed": lifted, "submissions_waiting_again": waiting}


def _back_to_work(case: ReviewCase, status: str, assignee) -> dict:
    old = {"status": case.status, "decision": case.decision, "articles": case.decision_articles,
           "reason": case.decision_reason, "decided_by": case.decided_by.username if case.decided_by_id else None}
    _transition(case, status)
    now = timezone.now()
    case.decision, case.decision_articles, case.decision_reason = "", [], ""
    case.decided_by, case.decided_at = None, None
    case.assignee = assignee
    case.claimed_at = now if assignee is not None else None
    case.claim_expires_at = now + dt.timedelta(minutes=conf.get("claim_minutes")) if assignee is not None else None
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ModerationError(_("该账号已有同类未决工单，不能重新打开此工单"), code="conflict", status=409) from None
    return old


@transaction.atomic
def case_undo_decision(*, actor, case: ReviewCase) -> ReviewCase:
    """The 撤销 link: whoever decided may take the decision back within ``undo_seconds``; its
    effects are reversed (``_reverse_effects``) and the case is theirs again. Both the decision
    and its undoing stay in the audit log."""
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.DECIDED or case.decided_by_id != getattr(actor, "pk", None):
        raise ModerationError(_("只能撤销自己刚作出的决定"), code="forbidden", status=403)
    if timezone.now() - case.decided_at > dt.timedelta(seconds=conf.get("undo_seconds")):
        raise ModerationError(_("撤销时限已过；如需更改，请由主管重新打开工单"), code="undo_expired", status=409)
    effects = _reverse_effects(actor, case)
    old = _back_to_work(case, CaseStatus.CLAIMED, actor)
    record("case.decision_undone", actor=actor, subject=case, old=old, new={"status": case.status, **effects})
    return case


@transaction.atomic
def case_reopen(*, actor, case: ReviewCase, reason: str) -> ReviewCase:
    """A supervisor reopens a decided case for a new decision (e.g. new evidence); the earlier
    decision and its measures stay on record, and lifting a measure is a separate step."""
    if not actor.has_perm("moderation.reassign_case"):
        raise ModerationError(_("只有审核主管可以重新打开工单"), code="forbidden", status=403)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ModerationError(_("请填写重新打开的理由（至少 4 个字）"), field="reason")
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.DECIDED:
        raise ModerationError(_("只有已决定的工单可以重新打开"), code="illegal_transition", status=409)
    old = _back_to_work(case, CaseStatus.OPEN, None)
    record("case.reopened", actor=actor, subject=case, old=old, new={"status": case.status, "reason": reason})
    return case
