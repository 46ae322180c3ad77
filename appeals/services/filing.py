"""Filing an appeal (申诉): against an Art 17 measure or a refused registration/change.

The holder files within ``filing_working_days`` working days after the notice (core's working-day
calendar); the platform answers within ``answer_working_days``. One open appeal per measure or
submission: a second is refused with the first one's tracking code. Evidence files pass the one
image check (``core.images``) before anything is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from appeals import conf
from appeals.choices import OPEN_APPEAL_STATUSES, AppealSource
from appeals.models import Appeal, AppealEvidence
from appeals.services.common import require_filer
from core import workdays
from core.audit import record
from core.errors import ServiceError
from core.images import check_upload
from moderation.choices import MeasureState, NoticeKind, SubmissionStatus
from moderation.models import Measure, Notice, Submission

LINK_SALT = "appeals.notice-link"  # a namespace for signing, not a secret
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


@dataclass
class AppealInput:
    uid: str
    statement: str
    measure_id: int | None = None
    submission_id: int | None = None
    evidence: list[bytes] = field(default_factory=list)
    source: str = AppealSource.API
    notice_id: int | None = None


def filing_due(noticed_at) -> workdays.Deadline:
    return workdays.deadline(noticed_at, conf.get("filing_working_days"))


def appeal_link_token(notice: Notice) -> tuple[str, object]:
    """The signed token of a notice's appeal link: it names the notice and the holder and expires
    when the filing period ends. Returns (token, expiry)."""
    due = filing_due(notice.created_at).due_at
    token = signing.dumps({"n": notice.pk, "u": notice.account_uid, "e": int(due.timestamp())}, salt=LINK_SALT)
    return token, due


def appeal_token_read(token: str) -> Notice:
    """The notice a signed link was issued for, or a ServiceError (forged, altered or expired)."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise ServiceError(_("申诉链接无效"), field="token", code="bad_link", status=404) from None
    if timezone.now().timestamp() > data.get("e", 0):
        raise ServiceError(_("申诉链接已过期：申诉期限已届满"), field="token", code="link_expired", status=410)
    notice = Notice.objects.filter(pk=data.get("n"), account_uid=data.get("u")).select_related(
        "measure", "submission").first()
    if notice is None:
        raise ServiceError(_("申诉链接无效"), field="token", code="bad_link", status=404)
    return notice


def _subject(data: AppealInput):
    """Lock and return (measure, submission, noticed_at) for the appeal, or refuse."""
    if bool(data.measure_id) == bool(data.submission_id):
        raise ServiceError(_("须指明申诉的处置措施或注册/变更提交（二者之一）"), field="measure_id")
    if data.measure_id:
        measure = Measure.objects.select_for_update().filter(pk=data.measure_id, action=Measure.Action.APPLY).first()
        if measure is None or measure.account.uid != data.uid:
            raise ServiceError(_("该账号没有这项处置措施"), field="measure_id", code="not_found", status=404)
        if measure.state != MeasureState.ACTIVE:
            raise ServiceError(_("只能对生效中的处置措施申诉"), field="measure_id", code="not_appealable", status=409)
        notice = Notice.objects.filter(measure=measure, kind=NoticeKind.MEASURE_APPLIED).order_by("id").first()
        return measure, None, notice.created_at if notice else (measure.effective_from or measure.created_at)
    submission = Submission.objects.select_for_update().filter(pk=data.submission_id, uid=data.uid).first()
    if submission is None:
        raise ServiceError(_("该账号没有这次提交"), field="submission_id", code="not_found", status=404)
    if submission.status not in (SubmissionStatus.REJECTED, SubmissionStatus.REFUSED):
        raise ServiceError(_("只能对不予注册或变更的提交申诉"), field="submission_id", code="not_appealable", status=409)
    return None, submission, submission.decided_at or submission.created_at


def _check_evidence(files: list[bytes]) -> list[tuple[bytes, str]]:
    if len(files) > conf.get("evidence_max_files"):
        raise ServiceError(_("证据最多 %(n)d 个文件") % {"n": conf.get("evidence_max_files")}, field="evidence")
    out = []
    for i, data in enumerate(files):
        name = f"evidence.{i}"
        if not data:
            raise ServiceError(_("文件为空"), field=name)
        if len(data) > conf.get("evidence_max_bytes"):
            raise ServiceError(_("文件超过 %(mb)d MB") % {"mb": conf.get("evidence_max_bytes") // (1024 * 1024)},
                               field=name, code="too_large", status=413)
        header = check_upload(data, field=name)
        out.append((data, _MIME.get(header.format, "application/octet-stream")))
    return out


def _refuse_duplicate(measure, submission) -> None:
    qs = Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES)
    first = (qs.filter(measure=measure) if measure else qs.filter(submission=submission)).first()
    if first is not None:
        raise ServiceError(
            _("此项已有正在处理的申诉（编号 %(code)s），在其答复前不能再次申诉") % {"code": first.tracking_code},
            field="measure_id" if measure else "submission_id", code="duplicate", status=409)


def _original(measure, submission) -> tuple:
    """The case and the person whose decision is appealed (for independence and the figures)."""
    if measure is not None:
        return measure.case, measure.issued_by, measure.issued_by_label
    case = submission.case
    decider = case.decided_by if case is not None else None
    return case, decider, getattr(decider, "username", "") or ("system" if case is None else "")


def _store_evidence(appeal: Appeal, files: list[tuple[bytes, str]]) -> None:
    for data, content_type in files:
        ext = content_type.split("/")[-1].replace("jpeg", "jpg")
        name = f"{appeal.tracking_code}-{secrets.token_hex(6)}.{ext}"
        AppealEvidence.objects.create(appeal=appeal, file=ContentFile(data, name=name), content_type=content_type,
                                      size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _new_code() -> str:
    return "SS" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


@transaction.atomic
def appeal_file(*, actor, data: AppealInput) -> Appeal:
    """File an appeal. ``actor``: a client with ``appeals:write``, or None from the public page
    reached by the notice's signed link (the view has verified the link)."""
    require_filer(actor)
    statement = (data.statement or "").strip()
    if len(statement) < 5:
        raise ServiceError(_("请写明申诉理由（至少 5 个字）"), field="statement")
    files = _check_evidence(data.evidence)
    measure, submission, noticed_at = _subject(data)
    due = filing_due(noticed_at)
    now = timezone.now()
    if now > due.due_at:
        raise ServiceError(_("申诉期限已于 %(due)s 届满") % {"due": f"{timezone.localtime(due.due_at):%Y-%m-%d %H:%M}"},
                           field="measure_id" if measure else "submission_id", code="deadline_passed", status=409)
    _refuse_duplicate(measure, submission)
    case, decider, decider_label = _original(measure, submission)
    appeal = Appeal(
        tracking_code=_new_code(), account_uid=data.uid, account=Account.objects.filter(uid=data.uid).first(),
        measure=measure, submission=submission, notice_id=data.notice_id,
        subject_kind=measure.kind if measure else f"submission_{submission.kind}", original_case=case,
        original_decider=decider, original_decider_label=decider_label, statement=statement,
        source=AppealSource(data.source), client=actor if actor is not None else None,
        noticed_at=noticed_at, filing_due_at=due.due_at, filed_at=now,
        answer_due_at=workdays.deadline(now, conf.get("answer_working_days")).due_at)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:  # a parallel appeal on the same subject committed first
        _refuse_duplicate(measure, submission)
        raise
    _store_evidence(appeal, files)
    record("appeal.filed", actor=actor, subject=appeal, new={
        "tracking_code": appeal.tracking_code, "uid": data.uid, "measure_id": data.measure_id,
        "submission_id": data.submission_id, "source": appeal.source, "evidence": len(files),
        "answer_due_at": appeal.answer_due_at})
    return appeal
