"""The verification pipeline for registrations and changes of account information (Art 9, 10, 21).

identity validation → ban on re-registration → closeness to closed accounts (Art 10 ¶3) →
rules engine (Art 7, 8, 10 ¶2, 11) → the account's open measures → decision:
``allow`` applies at once, ``reject`` applies nothing (不予注册或者变更), ``review`` /
``strict_review`` open a review case and the old information stays live until it is decided.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import art13
from accounts.choices import AccountKind, AccountStatus, ReviewStatus
from accounts.identity import ValidatedIdentity
from accounts.models import TEXT_INFO_FIELDS, Account, Qualification
from core import crypto, rules_engine
from core.audit import record
from core.fastinsert import insert
from moderation.choices import (
    DECISION_RANK,
    CaseReason,
    Decision,
    MeasureKind,
    MeasureState,
    PauseScope,
    SubmissionKind,
    SubmissionStatus,
)
from moderation.models import Measure, Submission
from moderation.services.cases import case_open
from moderation.services.credit import credit_changed_outcome, credit_findings, credit_priority
from moderation.services.errors import ModerationError
from moderation.services.pauses import active_pause_cached
from moderation.services.submissions import submission_apply_to_account

CLOSED_STATUSES = (AccountStatus.CLOSED, AccountStatus.BANNED)


class PausedError(ModerationError):
    """Art 21: registrations or changes are paused; the API answers 503 with the reason."""


@dataclass
class SubmissionInput:
    idempotency_key: str
    kind: str
    uid: str
    info: dict
    account_kind: str = AccountKind.INDIVIDUAL
    is_public_account: bool | None = None
    identity: ValidatedIdentity | None = None
    verified_org_name: str = ""
    avatar: tuple[bytes, str] | None = None
    cover: tuple[bytes, str] | None = None
    extra: dict = field(default_factory=dict)
    # Art 6: ids of the published rule versions the user accepted when registering.
    accepted_rules: list[int] = field(default_factory=list)

    def payload_hash(self) -> str:
        canonical = {
            "kind": self.kind, "uid": self.uid, "info": self.info, "account_kind": self.account_kind,
            "is_public_account": self.is_public_account,
            "identity": [self.identity.method, self.identity.number_hash] if self.identity else None,
            "verified_org_name": self.verified_org_name,
            "avatar": hashlib.sha256(self.avatar[0]).hexdigest() if self.avatar else None,
            "cover": hashlib.sha256(self.cover[0]).hexdigest() if self.cover else None,
        }
        if self.accepted_rules:
            canonical["accepted_rules"] = sorted(self.accepted_rules)
        return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _finding(article: str, rule: str, fld: str, severity: str, explanation: str, matched: str = "") -> dict:
    return {"article": article, "rule": rule, "field": fld, "span": [0, 0], "matched": matched, "term": "",
            "evasion": [], "severity": severity, "explanation": explanation}


def _context(data: SubmissionInput, account: Account | None) -> dict:
    qualifications: list[str] = []
    verified_org_name = data.verified_org_name
    verified_uscc = ""
    if data.identity is not None and data.identity.method == "uscc":
        verified_uscc = data.identity.number
    if account is not None:
        qualifications = list(Qualification.objects.current().filter(account=account).values_list("domain", flat=True))
        cert = account.org_certifications.filter(status=ReviewStatus.APPROVED).order_by("-id").first()
        if cert is not None:
            verified_org_name = verified_org_name or cert.full_name
            verified_uscc = verified_uscc or cert.uscc
        verified_uscc = verified_uscc or account.org_uscc
    kind = account.kind if account is not None else data.account_kind
    return {"account_type": kind, "verified_org_name": verified_org_name, "verified_uscc": verified_uscc,
            "qualifications": sorted(set(qualifications))}


_LOOKUP_SQL = """
SELECT (SELECT id FROM moderation_submission WHERE {client} AND idempotency_key = %(key)s),
       (SELECT id FROM accounts_account WHERE uid = %(uid)s),
       EXISTS(SELECT 1 FROM moderation_blockedidentity WHERE number_hash = %(identity)s AND lifted_at IS NULL),
       EXISTS(SELECT 1 FROM accounts_identityverification iv JOIN accounts_account a ON a.id = iv.account_id
               WHERE iv.number_hash = %(identity)s AND a.status IN ('closed', 'banned')),
       EXISTS(SELECT 1 FROM accounts_account WHERE name_key = %(name_key)s AND status IN ('closed', 'banned')
               AND uid <> %(uid)s),
       EXISTS(SELECT 1 FROM moderation_submission WHERE uid = %(uid)s AND kind = %(kind)s AND status = 'pending'),
       {next_id}
"""


@dataclass
class _Lookup:
    previous_id: int | None
    account_id: int | None
    banned_identity: bool
    closed_identity: bool
    closed_name: bool
    pending_exists: bool
    new_id: int | None  # drawn from the sequence up front (PostgreSQL), so every row is written once


def _lookup(*, client, data: SubmissionInput, name_key: str) -> _Lookup:
    """Everything the pipeline must know from the database before deciding, in one round trip:
    an earlier submission with this idempotency key, the account, and Art 10 ¶3 closeness (the
    identity is banned, or used by a closed account; the new name normalises to a closed
    account's name). NULL never equals anything, so an absent identity or name matches nothing."""
    identity_hash = data.identity.number_hash if data.identity is not None else ""
    sql = _LOOKUP_SQL.format(
        client="client_id = %(client)s" if client is not None else "client_id IS NULL",
        next_id="nextval(pg_get_serial_sequence('moderation_submission', 'id'))"
        if connection.vendor == "postgresql" else "NULL")
    with connection.cursor() as cur:
        cur.execute(sql, {"client": client.pk if client is not None else None, "key": data.idempotency_key,
                          "uid": data.uid, "identity": identity_hash or None, "name_key": name_key or None,
                          "kind": data.kind})
        row = cur.fetchone()
    return _Lookup(row[0], row[1], *(bool(x) for x in row[2:6]), row[6])


def _response(submission: Submission) -> dict:
    reasons = [{"article": f["article"], "field": f["field"], "explanation": f["explanation"]}
               for f in submission.findings if f.get("severity") == submission.decision or submission.decision == "reject"]
    return {
        "submission_id": submission.pk, "uid": submission.uid, "kind": submission.kind,
        "decision": submission.decision, "status": submission.status,
        "case_id": submission.case_id, "ruleset": submission.ruleset,
        "articles": list(dict.fromkeys(f["article"] for f in submission.findings)),
        "reasons": reasons, "findings": submission.findings,
        "credit_changed": credit_changed_outcome(submission.findings, submission.decision),
    }


def submission_process(*, client, data: SubmissionInput) -> tuple[Submission, bool]:
    """Verify a registration or change and act on the decision. Returns (submission, replayed)."""
    digest = data.payload_hash()
    _refuse_unknown_fields(data)
    proposed_name = data.info.get("name") or ""
    found = _lookup(client=client, data=data, name_key=rules_engine.name_key(proposed_name) if proposed_name else "")
    if found.previous_id is not None:
        return _replay(Submission.objects.get(pk=found.previous_id), digest), True
    account = Account.objects.get(pk=found.account_id) if found.account_id is not None else None
    account_kind = _check_preconditions(data, account)
    _refuse_second_registration(data, found)
    art13.check_submission(info=data.info, account=account, is_public=data.is_public_account, identity=data.identity)
    _refuse_if_paused(data.kind, account_kind)
    verified = _verify(client=client, data=data, digest=digest, account=account, account_kind=account_kind,
                       found=found)
    try:
        return _persist(verified), False
    except IntegrityError:
        return _replay_after_race(client, data, digest), True


def _refuse_unknown_fields(data: SubmissionInput) -> None:
    unknown = set(data.info) - set(TEXT_INFO_FIELDS)
    if unknown:
        raise ModerationError(_("未知的账号信息字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))},
                              field=f"info.{sorted(unknown)[0]}")


def _replay(previous: Submission, digest: str) -> Submission:
    """An idempotent retry gets the first answer; the same key with other content is a conflict."""
    if previous.payload_hash != digest:
        raise ModerationError(_("该幂等键已用于内容不同的提交"), field="idempotency_key", code="idempotency_conflict",
                              status=409)
    return previous


def _replay_after_race(client, data: SubmissionInput, digest: str) -> Submission:
    """The write hit a unique constraint: a concurrent request with the same idempotency key won
    (answer with its result), or another request registered the same uid at the same moment
    (the account's uid, or ``uniq_pending_registration``)."""
    previous = Submission.objects.filter(client=client, idempotency_key=data.idempotency_key).first()
    if previous is None:
        raise ModerationError(_("账号 %(uid)s 正在被另一请求注册或变更，请稍后查询") % {"uid": data.uid}, field="uid",
                              code="duplicate", status=409) from None
    if previous.payload_hash != digest:
        raise ModerationError(_("该幂等键已用于内容不同的提交"), field="idempotency_key",
                              code="idempotency_conflict", status=409) from None
    return previous


def _check_preconditions(data: SubmissionInput, account: Account | None) -> str:
    """A registration needs a free uid, a real-name identity (Art 9) and a name; a change needs a
    live account and something to change. Returns the account kind the submission is for."""
    if data.kind == SubmissionKind.REGISTRATION:
        if account is not None:
            raise ModerationError(_("账号 %(uid)s 已注册，变更信息请提交 change") % {"uid": data.uid}, field="uid",
                                  code="duplicate", status=409)
        if data.identity is None:
            raise ModerationError(_("注册须提供真实身份信息（Art 9）"), field="identity")
        if not (data.info.get("name") or "").strip():
            raise ModerationError(_("注册须提供账号名称"), field="info.name")
        return data.account_kind
    if account is None:
        raise ModerationError(_("账号 %(uid)s 不存在") % {"uid": data.uid}, field="uid", code="not_found", status=404)
    if account.status in CLOSED_STATUSES:
        raise ModerationError(_("账号已关闭，不能变更账号信息"), field="uid", code="account_closed", status=409)
    if not data.info and not data.avatar and not data.cover:
        raise ModerationError(_("没有要变更的信息"), field="info")
    return account.kind


def _refuse_second_registration(data: SubmissionInput, found: _Lookup) -> None:
    """One uid has at most one pending registration (issue 11: parallel registrations with
    different idempotency keys left several pending on one case, none of which could then be
    approved). A second one is refused until the first is decided; the constraint
    ``uniq_pending_registration`` catches the race (answered 409 by ``_replay_after_race``)."""
    if data.kind == SubmissionKind.REGISTRATION and found.pending_exists:
        raise ModerationError(_("账号 %(uid)s 已有待核验的注册申请，请等待核验结果") % {"uid": data.uid}, field="uid",
                              code="registration_pending", status=409)


def _refuse_if_paused(kind: str, account_kind: str) -> None:
    """Art 21: while registrations or changes are paused, refuse with the reason (and the end)."""
    scope = PauseScope.REGISTRATION if kind == SubmissionKind.REGISTRATION else PauseScope.CHANGE
    pause = active_pause_cached(scope, account_kind)
    if pause is None:
        return
    values = {"scope": pause.get_scope_display(), "reason": pause.reason}
    if pause.ends_at:
        values["until"] = f"{timezone.localtime(pause.ends_at):%Y-%m-%d %H:%M}"
        message = _("%(scope)s：%(reason)s，预计至 %(until)s") % values
    else:
        message = _("%(scope)s：%(reason)s") % values
    raise PausedError(message, code="paused", status=503)


@dataclass
class _Verified:
    """A submission checked and decided, ready to be written with what its decision causes."""

    client: object
    data: SubmissionInput
    digest: str
    account: Account | None
    account_kind: str
    context: dict
    decision: str
    findings: list[dict]
    ruleset: str
    found: _Lookup


def _verify(*, client, data: SubmissionInput, digest: str, account: Account | None, account_kind: str,
            found: _Lookup) -> _Verified:
    """Collect the findings — closeness to closed accounts (Art 10 ¶3), the rules engine (Art 7, 8,
    10 ¶2, 11), the account's open measures (Art 17) — and let the most severe decide."""
    merged = {f: getattr(account, f) for f in TEXT_INFO_FIELDS} if account is not None else {}
    merged.update({k: (v or "") for k, v in data.info.items()})
    findings = _closeness_findings(data, account, found, merged.get("name", ""))
    engine = rules_engine.get_engine()
    context = _context(data, account)
    verdict = engine.check({**merged, "avatar": data.avatar[0] if data.avatar else None,
                            "cover": data.cover[0] if data.cover else None}, context)
    findings += [f.to_dict() for f in verdict.findings]
    findings += _open_measure_findings(account)
    findings += credit_findings(account)  # Art 18: a low band sends an allow to review
    decision = max((f["severity"] for f in findings), key=lambda s: DECISION_RANK.get(s, 0), default=Decision.ALLOW)
    if decision not in DECISION_RANK:
        decision = Decision.ALLOW
    return _Verified(client=client, data=data, digest=digest, account=account, account_kind=account_kind,
                     context=context, decision=decision, findings=findings, ruleset=verdict.ruleset, found=found)


def _closeness_findings(data: SubmissionInput, account: Account | None, found: _Lookup, new_name: str) -> list[dict]:
    """Art 10 ¶3: a banned identity is refused; an identity or a name of a closed account is
    reviewed strictly."""
    findings: list[dict] = []
    # An unchanged name is not a new likeness to a closed account.
    closed_name = found.closed_name and bool(new_name) and (account is None or new_name != account.name)
    if found.banned_identity:
        findings.append(_finding("10.3", "banned_identity", "identity", Decision.REJECT,
                                 "该身份信息关联的账号已被禁止重新注册"))
    elif found.closed_identity and data.kind == SubmissionKind.REGISTRATION:
        findings.append(_finding("10.3", "related_closed_identity", "identity", Decision.STRICT_REVIEW,
                                 "该身份信息曾注册被关闭的账号，需从严核验"))
    if closed_name:
        findings.append(_finding("10.3", "related_closed_name", "name", Decision.STRICT_REVIEW,
                                 "名称与已关闭账号的名称高度近似，需从严核验", matched=new_name))
    return findings


def _open_measure_findings(account: Account | None) -> list[dict]:
    """A suspended or restricted account's changes are reviewed by a person (Art 17)."""
    if account is not None and Measure.objects.filter(
            account=account, action=Measure.Action.APPLY, state=MeasureState.ACTIVE,
            kind__in=[MeasureKind.SUSPEND, MeasureKind.RESTRICT]).exists():
        return [_finding("17", "open_measure", "account", Decision.REVIEW, "账号存在生效中的处置措施，变更需人工核验")]
    return []


def _persist(verified: _Verified) -> Submission:
    """Write the submission once, with its outcome (its id was drawn up front), after what it
    causes: the account and its version for ``allow``, the review case for ``review``. Images
    stored on the way are removed again if the transaction does not commit."""
    stored: list = []
    try:
        with transaction.atomic():
            return _persist_in_transaction(verified, stored)
    except BaseException:
        for file in stored:  # the row that would have named them was never written
            file.storage.delete(file.name)
        raise


def _persist_in_transaction(verified: _Verified, stored: list) -> Submission:
    data, decision, findings = verified.data, verified.decision, verified.findings
    submission = _new_submission(verified)
    _store_images(submission, data, stored)
    written = submission.pk is None
    if written:  # no sequence to draw from (SQLite): insert now and fill in the outcome below
        insert(submission)
    record("submission.received", actor=verified.client, subject=submission,
           new={"kind": data.kind, "uid": data.uid, "decision": decision, "ruleset": verified.ruleset,
                "articles": list(dict.fromkeys(f["article"] for f in findings)),
                "identity": data.identity.masked if data.identity else None})
    _act_on_decision(verified, submission)
    submission.response = _response(submission)
    if written:
        submission.save(update_fields=["response", "status", "decided_at", "case", "account"])
    else:
        insert(submission)
    return submission


def _new_submission(verified: _Verified) -> Submission:
    """The submission row, pending, with the identity kept only encrypted, hashed and masked (Art 16)."""
    data, account, identity = verified.data, verified.account, verified.data.identity
    submission = Submission(
        pk=verified.found.new_id, client=verified.client, idempotency_key=data.idempotency_key,
        payload_hash=verified.digest, kind=data.kind, uid=data.uid, account=account, account_kind=verified.account_kind,
        is_public_account=bool(data.is_public_account if data.is_public_account is not None
                               else (account.is_public_account if account else False)),
        info=data.info, context=_with_rules(verified.context, data), decision=verified.decision, findings=verified.findings,
        ruleset=verified.ruleset, status=SubmissionStatus.PENDING,
    )
    if identity is not None:
        submission.identity_method, submission.identity_hash = identity.method, identity.number_hash
        submission.identity_encrypted = crypto.encrypt(identity.number)
        submission.identity_masked = identity.masked
        submission.identity_details = {**identity.details, "org_class": identity.org_class}
    return submission


def _with_rules(context: dict, data: SubmissionInput) -> dict:
    """The stored context keeps the accepted rule versions, applied with the submission."""
    return {**context, "accepted_rules": sorted(data.accepted_rules)} if data.accepted_rules else context


def _store_images(submission: Submission, data: SubmissionInput, stored: list) -> None:
    for name in ("avatar", "cover"):
        image = getattr(data, name)
        if image:
            getattr(submission, name).save(f"{hashlib.sha256(image[0]).hexdigest()[:32]}.{image[1]}",
                                           ContentFile(image[0]), save=False)
            stored.append(getattr(submission, name))


def _act_on_decision(verified: _Verified, submission: Submission) -> None:
    """``allow`` applies at once, ``reject`` applies nothing (不予注册或者变更), ``review`` and
    ``strict_review`` supersede earlier pending submissions and open (or join) a review case."""
    data, decision = verified.data, verified.decision
    if decision == Decision.ALLOW:
        submission_apply_to_account(actor=verified.client, submission=submission, status=SubmissionStatus.APPLIED,
                                    identity=data.identity, uid_checked=True)
    elif decision == Decision.REJECT:
        submission.status, submission.decided_at = SubmissionStatus.REJECTED, timezone.now()
    else:
        if verified.found.pending_exists:  # a change (a second registration was refused before)
            Submission.objects.filter(uid=data.uid, kind=data.kind, status=SubmissionStatus.PENDING).exclude(
                pk=submission.pk).update(status=SubmissionStatus.SUPERSEDED, decided_at=timezone.now())
        strict = decision == Decision.STRICT_REVIEW
        reason = CaseReason.STRICT_REVIEW if strict else (
            CaseReason.REGISTRATION if data.kind == SubmissionKind.REGISTRATION else CaseReason.CHANGE)
        submission.case = case_open(actor=verified.client, reason=reason, source=f"submission:{submission.pk}",
                                    account=verified.account, subject_uid=data.uid, findings=verified.findings,
                                    requires_supervisor=strict, priority=credit_priority(verified.account, reason))
