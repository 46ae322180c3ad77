"""Published platform rules (Art 6 制定和公开账号管理规则、平台公约，签订服务协议): drafts,
publishing (then never edited), safe rendering, and acceptances by accounts.

Markdown is rendered with markdown-it-py with raw HTML switched off, and the output is passed
through nh3 (Ammonia) with a small allow-list: a rule text can never carry a script, a style or
an event handler, even if the renderer had a bug.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from accounts.models import Account, RuleAcceptance, RuleDocument, RuleDocumentVersion
from accounts.signals import rule_version_published
from core.audit import record
from core.errors import ServiceError
from core.models import ApiClient

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
         "hr", "br", "a", "table", "thead", "tbody", "tr", "th", "td"}
PUBLISH_PERMISSION = "accounts.publish_ruledocumentversion"
Status = RuleDocumentVersion.Status


def render_markdown(text: str) -> str:
    """Markdown → HTML without raw HTML, then sanitised (only the tags above; links http(s)/mailto)."""
    return nh3.clean(_MD.render(text or ""), tags=_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")


def _require_publisher(actor) -> None:
    if actor is None or isinstance(actor, ApiClient) or not actor.has_perm(PUBLISH_PERMISSION):
        raise ServiceError(_("只有审核主管可以编写和发布平台规则"), code="forbidden", status=403)


def _check(body: str, summary: str, effective_at) -> None:
    if len((body or "").strip()) < 10:
        raise ServiceError(_("正文不能为空"), field="body")
    if len((summary or "").strip()) < 2:
        raise ServiceError(_("须写明变更说明"), field="summary")
    if effective_at is None:
        raise ServiceError(_("须设置生效时间"), field="effective_at")


@transaction.atomic
def rule_version_draft(*, actor, kind: str, body: str, summary: str, effective_at: dt.datetime,
                       requires_acceptance: bool = False, acceptance_days: int = 30) -> RuleDocumentVersion:
    """Write a new draft version of a document (the next number)."""
    _require_publisher(actor)
    if kind not in RuleDocument.Kind.values:
        raise ServiceError(_("未知的规则文件"), field="kind")
    _check(body, summary, effective_at)
    document, _created = RuleDocument.objects.get_or_create(kind=kind)
    document = RuleDocument.objects.select_for_update().get(pk=document.pk)
    number = (document.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = RuleDocumentVersion.objects.create(
        document=document, version=number, body=body.strip(), summary=summary.strip(), effective_at=effective_at,
        requires_acceptance=requires_acceptance, acceptance_days=acceptance_days, created_by=actor)
    record("rule_version.drafted", actor=actor, subject=version, new={"kind": kind, "version": number})
    return version


@transaction.atomic
def rule_version_edit(*, actor, version: RuleDocumentVersion, body: str, summary: str,
                      effective_at: dt.datetime) -> RuleDocumentVersion:
    """Change a draft. A published version is refused: it is never edited (write a new version)."""
    _require_publisher(actor)
    version = RuleDocumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == Status.PUBLISHED:
        raise ServiceError(_("已发布的版本不能修改，请编写新版本"), code="immutable", status=409)
    _check(body, summary, effective_at)
    version.body, version.summary, version.effective_at = body.strip(), summary.strip(), effective_at
    version.save()
    record("rule_version.edited", actor=actor, subject=version, new={"version": version.version})
    return version


@transaction.atomic
def rule_version_publish(*, actor, version: RuleDocumentVersion) -> RuleDocumentVersion:
    """Publish a draft: rendered and sanitised once, then frozen. Sends ``rule_version_published``."""
    _require_publisher(actor)
    version = RuleDocumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == Status.PUBLISHED:
        raise ServiceError(_("该版本已发布"), code="illegal_transition", status=409)
    version.body_html = render_markdown(version.body)
    version.status, version.published_by, version.published_at = Status.PUBLISHED, actor, timezone.now()
    version.save()
    record("rule_version.published", actor=actor, subject=version, new={
        "kind": version.document.kind, "version": version.version, "effective_at": version.effective_at,
        "requires_acceptance": version.requires_acceptance, "summary": version.summary})
    rule_version_published.send(sender=RuleDocumentVersion, version=version, actor=actor)
    return version


def in_force(kind: str, *, at: dt.datetime | None = None) -> RuleDocumentVersion | None:
    """The published version of a document in force at ``at`` (the newest already effective)."""
    at = at or timezone.now()
    return (RuleDocumentVersion.objects.filter(document__kind=kind, status=Status.PUBLISHED, effective_at__lte=at)
            .select_related("document").order_by("-version").first())


@dataclass(frozen=True)
class RuleRef:
    document: str
    version: int


def resolve(refs: list[RuleRef], *, field: str = "accepted_rules") -> list[RuleDocumentVersion]:
    """The published versions ``refs`` name, or a ServiceError naming the one that is not."""
    out = []
    for i, ref in enumerate(refs):
        v = RuleDocumentVersion.objects.filter(document__kind=ref.document, version=ref.version,
                                               status=Status.PUBLISHED).first()
        if v is None:
            raise ServiceError(_("没有已发布的 %(doc)s 第 %(v)d 版") % {"doc": ref.document, "v": ref.version},
                               field=f"{field}.{i}", code="unknown_rule_version")
        out.append(v)
    return out


@transaction.atomic
def rule_accept(*, actor, account: Account, versions: list[RuleDocumentVersion], source: str,
                reference: str = "") -> list[RuleAcceptance]:
    """Record that an account accepted these versions (idempotent per account and version).
    ``actor``: a client with ``accounts:write``, or the system applying a registration."""
    if actor is not None and not (isinstance(actor, ApiClient) and actor.has_scope("accounts:write")):
        raise ServiceError(_("没有登记同意的权限"), code="forbidden", status=403)
    made = []
    for version in versions:
        try:
            with transaction.atomic():
                made.append(RuleAcceptance.objects.create(account=account, version=version, source=source,
                                                          reference=reference[:64]))
        except IntegrityError:
            continue  # accepted before: the first acceptance stands
    if made:
        record("rule.accepted", actor=actor, subject=account, new={
            "versions": [f"{v.version.document.kind}:{v.version.version}" for v in made], "source": source})
    return made


def accounts_missing(version: RuleDocumentVersion, *, now: dt.datetime | None = None):
    """Accounts that have not accepted a version that requires it, once its period has passed."""
    now = now or timezone.now()
    if not version.requires_acceptance or version.published_at is None:
        return Account.objects.none()
    start = max(version.published_at, version.effective_at)
    if now < start + dt.timedelta(days=version.acceptance_days):
        return Account.objects.none()
    return (Account.objects.exclude(rule_acceptances__version=version)
            .order_by("id"))
