"""Carrying out a verified registration or change (Art 9, 10): apply it to the account registry,
or refuse it (不予注册或者变更) and tell the holder why.

Below both the pipeline (which applies an ``allow`` at once) and the review cases (whose decision
applies or refuses the waiting submissions), so neither has to import the other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.choices import InfoSource
from accounts.identity import ValidatedIdentity
from accounts.models import Account, RuleDocumentVersion
from accounts.rule_documents import rule_accept
from core import crypto
from core.audit import record
from moderation.choices import NoticeKind, SubmissionKind, SubmissionStatus
from moderation.models import Submission
from moderation.services.errors import ModerationError
from moderation.services.measures import lift_corrections_after_passing_change
from moderation.services.notices import article_text, notice_create


def _identity_of(submission: Submission) -> list[ValidatedIdentity]:
    if not submission.identity_encrypted:
        return []
    details = dict(submission.identity_details)
    org_class = details.pop("org_class", "")
    return [ValidatedIdentity(submission.identity_method, crypto.decrypt(submission.identity_encrypted), details,
                              org_class)]


def _images(submission: Submission) -> dict:
    out = {}
    for name in ("avatar", "cover"):
        f = getattr(submission, name)
        if f:
            out[name] = f.name  # the stored file is reused: no copy
    return out


def submission_apply_to_account(*, actor, submission: Submission, status: str,
                                identity: ValidatedIdentity | None = None, uid_checked: bool = False) -> Account:
    """Apply the submission's information to the registry (Art 10: only verified information goes
    live) and mark it ``status``; the caller holds the transaction and saves the submission.

    A registration creates the account, a change applies a new version of its information, adds
    its identity and lifts the correction orders it answers (Art 17). ``identity`` is the
    validated identity when the caller still has it (the pipeline), else it is decrypted from the
    submission (a reviewer's approval)."""
    reference = f"submission:{submission.pk}"
    identities = [identity] if identity is not None else _identity_of(submission)
    if submission.kind == SubmissionKind.REGISTRATION:
        account = account_services.account_create(
            actor=actor, uid=submission.uid, kind=submission.account_kind, info={**submission.info, **_images(submission)},
            is_public_account=submission.is_public_account, identities=identities,
            source=InfoSource.REGISTRATION, reference=reference, uid_checked=uid_checked)
    else:
        account = account_services.account_apply_info(
            actor=actor, account=submission.account, info={**submission.info, **_images(submission)},
            source=InfoSource.CHANGE, reference=reference)
        for each in identities:
            account_services.identity_add(actor=actor, account=account, identity=each)
        lift_corrections_after_passing_change(actor=actor, account=account)
    _record_acceptances(submission, account)
    submission.account, submission.status, submission.decided_at = account, status, timezone.now()
    return account


def _record_acceptances(submission: Submission, account: Account) -> None:
    """Art 6: the rule versions the user accepted with this submission (the system records them)."""
    ids = submission.context.get("accepted_rules") or []
    if ids:
        versions = list(RuleDocumentVersion.objects.filter(pk__in=ids).select_related("document"))
        rule_accept(actor=None, account=account, versions=versions, source=submission.kind,
                    reference=f"submission:{submission.pk}")


@transaction.atomic
def submission_apply(*, actor, submission: Submission) -> Submission:
    """A reviewer approved the submission: apply it now and tell the account holder."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.PENDING:
        raise ModerationError(_("该提交已处理"), code="illegal_transition", status=409)
    if submission.kind == SubmissionKind.REGISTRATION and Account.objects.filter(uid=submission.uid).exists():
        raise ModerationError(_("账号 %(uid)s 已存在") % {"uid": submission.uid}, code="duplicate", status=409)
    submission_apply_to_account(actor=actor, submission=submission, status=SubmissionStatus.APPROVED)
    submission.response = {**submission.response, "status": submission.status}
    submission.save()
    label = "注册" if submission.kind == SubmissionKind.REGISTRATION else "账号信息变更"
    notice_create(account=submission.account, kind=NoticeKind.SUBMISSION_APPROVED, title=f"{label}已通过核验",
                  body=f"您提交的{label}已通过核验并生效。", submission=submission, case=submission.case)
    record("submission.approved", actor=actor, subject=submission, new={"uid": submission.uid})
    return submission


@transaction.atomic
def submission_refuse(*, actor, submission: Submission, articles: list[str], reason: str, case=None) -> Submission:
    """A reviewer refused the submission (不予注册或者变更): nothing is applied; the holder is told why."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.PENDING:
        raise ModerationError(_("该提交已处理"), code="illegal_transition", status=409)
    submission.status, submission.decided_at = SubmissionStatus.REFUSED, timezone.now()
    submission.response = {**submission.response, "status": submission.status}
    submission.save()
    label = "注册" if submission.kind == SubmissionKind.REGISTRATION else "账号信息变更"
    notice_create(account=submission.account, account_uid=submission.uid, kind=NoticeKind.SUBMISSION_REJECTED,
                  title=f"{label}未通过核验", articles=articles, submission=submission, case=case,
                  body=f"您提交的{label}违反《互联网用户账号信息管理规定》{article_text(articles)}，依据第十条不予{label}。理由：{reason}")
    record("submission.refused", actor=actor, subject=submission, new={"articles": articles, "reason": reason})
    return submission


def _refuse_overwriting_newer(submission: Submission) -> None:
    """An old change must not overwrite information applied after it; a registration needs its uid free."""
    if submission.kind == SubmissionKind.REGISTRATION:
        if Account.objects.filter(uid=submission.uid).exists():
            raise ModerationError(_("账号 %(uid)s 已存在，不能再按这次注册创建") % {"uid": submission.uid},
                                  field="submission", code="duplicate", status=409)
        return
    if submission.account_id is None:
        raise ModerationError(_("账号不存在，无法应用这次变更"), field="submission", code="no_account", status=409)
    newer = Submission.objects.filter(uid=submission.uid, kind=SubmissionKind.CHANGE, pk__gt=submission.pk,
                                      status__in=(SubmissionStatus.APPLIED, SubmissionStatus.APPROVED,
                                                  SubmissionStatus.OVERTURNED))
    if newer.exists():
        raise ModerationError(_("此后已有更新的信息变更生效，推翻会覆盖它；请让用户重新提交"),
                              field="submission", code="superseded", status=409)


@transaction.atomic
def submission_overturn(*, actor, submission: Submission, reason: str) -> Submission:
    """A supervisor re-decides, as a person, a submission the rules refused outright (a false
    positive, e.g. a name that only looks like an impersonation): it is applied now, the holder is
    told, and the refusal's rules are counted against them on the rules page (Art 10)."""
    if actor is None or not actor.has_perm("moderation.overturn_submission"):
        raise ModerationError(_("没有推翻自动驳回的权限"), code="forbidden", status=403)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ModerationError(_("请填写推翻的理由（至少 4 个字）"), field="reason")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.REJECTED:
        raise ModerationError(_("只有被自动驳回的提交可以推翻"), field="submission", code="illegal_transition", status=409)
    _refuse_overwriting_newer(submission)
    submission_apply_to_account(actor=actor, submission=submission, status=SubmissionStatus.OVERTURNED)
    submission.response = {**submission.response, "status": submission.status}
    submission.save()
    label = "注册" if submission.kind == SubmissionKind.REGISTRATION else "账号信息变更"
    notice_create(account=submission.account, kind=NoticeKind.SUBMISSION_APPROVED, title=f"{label}经复核已通过",
                  body=f"您此前被驳回的{label}经人工复核已通过并生效。", submission=submission)
    rules = sorted({f.get("rule", "") for f in submission.findings if f.get("severity") == "reject"} - {""})
    record("submission.overturned", actor=actor, subject=submission,
           old={"status": SubmissionStatus.REJECTED}, new={"status": submission.status, "reason": reason, "rules": rules})
    return submission
