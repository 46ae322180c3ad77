"""Reads of the moderation app, shared by pages, bulk actions and the dashboard.

Every list is permission-scoped (a user without the view permission sees nothing); the generic
list view then narrows it with the list's FilterSet.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, IdentityVerification
from core import rules_engine
from core.models import AuditEntry, WebhookDelivery
from moderation.choices import OPEN_CASE_STATUSES, CaseReason, CaseStatus, MeasureState, SubmissionStatus
from moderation.models import (
    CaseNote,
    CreditEvent,
    Measure,
    Notice,
    PauseSwitch,
    ReasonTemplate,
    ReviewCase,
    RuleTerm,
    Submission,
)

_CASE_LIST_FIELDS = (
    "id", "subject_uid", "reason", "status", "priority", "requires_supervisor", "articles", "due_at",
    "created_at", "claim_expires_at", "decision", "account__id", "account__name", "account__uid",
    "assignee__id", "assignee__username",
)


def case_list(*, user) -> QuerySet[ReviewCase]:
    """Review cases the user may see, oldest due first (the order claim-next hands them out)."""
    if not user.has_perm("moderation.view_reviewcase"):
        return ReviewCase.objects.none()
    return (ReviewCase.objects.select_related("account", "assignee").only(*_CASE_LIST_FIELDS)
            .order_by("due_at", "-priority", "id"))


def open_cases() -> QuerySet[ReviewCase]:
    return ReviewCase.objects.filter(status__in=OPEN_CASE_STATUSES)


def case_get(*, user, pk: int) -> ReviewCase:
    if not user.has_perm("moderation.view_reviewcase"):
        raise Http404
    case = (ReviewCase.objects.select_related("account", "assignee", "decided_by", "qualification",
                                              "org_certification").filter(pk=pk).first())
    if case is None:
        raise Http404(f"工单 {pk} 不存在")
    return case


def cases_for_bulk(*, user, ids) -> list[ReviewCase]:
    ids = [int(i) for i in ids if str(i).isdigit()][:200]
    return list(case_list(user=user).filter(pk__in=ids).annotate(
        pending_submissions=Count("submissions", filter=Q(submissions__status="pending"))))


def case_submission(case: ReviewCase) -> Submission | None:
    """The submission whose proposed information the case is about: the pending one, else the latest."""
    subs = list(case.submissions.order_by("-id")[:10])
    for s in subs:
        if s.status == "pending":
            return s
    return subs[0] if subs else None


SOURCE_LABELS = {"submission": _("提交"), "complaint": _("投诉"), "recheck": _("动态核验"), "appeal": _("申诉"),
                 "qualification": _("资质"), "org_certification": _("机构认证"), "api": _("平台接口"), "test": _("测试")}


def source_label(source: str) -> str:
    """``submission:1`` → 提交 #1 (a case's source in words, not a code)."""
    kind, _sep, ref = source.partition(":")
    label = SOURCE_LABELS.get(kind)
    if label is None:
        return source
    return f"{label} #{ref}" if ref else str(label)


def case_timeline(case: ReviewCase) -> list[dict]:
    """Internal notes and the case's audit entries, oldest first."""
    rows = [{"at": n.created_at, "actor": n.author_label, "note": n.text, "event": "case.note"}
            for n in CaseNote.objects.filter(case=case).order_by("created_at")[:200]]
    entries = (AuditEntry.objects.filter(subject_type="moderation.reviewcase", subject_id=str(case.pk))
               .only("id", "created_at", "actor_label", "event", "new").order_by("id")[:200])
    reasons = dict(CaseReason.choices)
    for e in entries:
        new = dict(e.new or {})
        if e.event == "case.opened" and new.get("reason") in reasons:
            new["reason"] = reasons[new["reason"]]  # the case's reason in words, not its code
        if new.get("source"):
            new["source"] = source_label(str(new["source"]))
        rows.append({"at": e.created_at, "actor": e.actor_label, "event": e.event, "new": new, "seq": e.pk})
    rows.sort(key=lambda r: (r["at"], r.get("seq", 0)))
    return rows


def case_notices(case: ReviewCase) -> list[Notice]:
    deliveries = WebhookDelivery.objects.select_related("client").prefetch_related("attempts").order_by("id")
    return list(case.notices.select_related("webhook_event")
                .prefetch_related(Prefetch("webhook_event__deliveries", queryset=deliveries))
                .order_by("-id")[:20])


def account_measures(account: Account | None) -> list[Measure]:
    """Applied measures of an account, newest first, with their lift records."""
    if account is None:
        return []
    return list(Measure.objects.filter(account=account, action=Measure.Action.APPLY)
                .select_related("approved_by", "case")
                .prefetch_related(Prefetch("lifted_by", queryset=Measure.objects.order_by("id")))
                .order_by("-id")[:50])


def credit_events(account: Account | None) -> list[CreditEvent]:
    if account is None:
        return []
    return list(CreditEvent.objects.filter(account=account).order_by("-id")[:20])


def related_accounts(*, account: Account | None, identity_hashes=(), name: str = "") -> list[dict]:
    """Accounts closely related to this one (Art 10 ¶3): the same real-name identity, or a name
    that normalises to the same key. Identity numbers are never read, only their keyed hashes."""
    hashes = set(identity_hashes)
    if account is not None:
        hashes |= set(IdentityVerification.objects.filter(account=account).values_list("number_hash", flat=True))
    key = account.name_key if account is not None and account.name_key else (rules_engine.name_key(name) if name else "")
    cond = Q()
    if hashes:
        cond |= Q(identities__number_hash__in=hashes)
    if key:
        cond |= Q(name_key=key)
    if not cond:
        return []
    qs = Account.objects.filter(cond)
    if account is not None:
        qs = qs.exclude(pk=account.pk)
    rows = []
    by_identity = set()
    if hashes:
        by_identity = set(IdentityVerification.objects.filter(number_hash__in=hashes)
                          .values_list("account_id", flat=True)[:100])
    for other in qs.distinct().only("id", "uid", "name", "status", "name_key").order_by("-id")[:20]:
        why = []
        if other.pk in by_identity:
            why.append("identity")
        if key and other.name_key == key:
            why.append("name")
        rows.append({"account": other, "why": why})
    return rows


def earlier_cases(case: ReviewCase) -> list[ReviewCase]:
    return list(ReviewCase.objects.filter(subject_uid=case.subject_uid).exclude(pk=case.pk)
                .select_related("decided_by").only("id", "reason", "status", "decision", "decision_articles",
                                                   "created_at", "decided_at", "decided_by__username")
                .order_by("-id")[:20])


def reason_templates(*, active_only: bool = True) -> QuerySet[ReasonTemplate]:
    qs = ReasonTemplate.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def measure_list(*, user) -> QuerySet[Measure]:
    if not user.has_perm("moderation.view_measure"):
        return Measure.objects.none()
    return Measure.objects.select_related("account").only(
        "id", "action", "kind", "state", "legal_basis", "reason", "reportable", "issued_by_label", "effective_from",
        "expires_at", "created_at", "lifts_id", "account__id", "account__uid", "account__name",
    ).order_by("-id")


def submission_list(*, user) -> QuerySet[Submission]:
    """Registrations and changes as the platform sent them (Art 10), newest first — including
    the ones refused outright, which open no case."""
    if not user.has_perm("moderation.view_submission"):
        return Submission.objects.none()
    return Submission.objects.only(
        "id", "kind", "uid", "info", "decision", "status", "findings", "ruleset", "case_id", "created_at", "decided_at",
    ).order_by("-id")


def submission_get(*, user, pk: int) -> Submission:
    if not user.has_perm("moderation.view_submission"):
        raise PermissionDenied
    return get_object_or_404(Submission.objects.select_related("case", "account"), pk=pk)


def overturned_by_rule() -> dict[str, int]:
    """Per rule: how many of its outright refusals a supervisor overturned (bad rules show themselves)."""
    counts: dict[str, int] = {}
    for findings in Submission.objects.filter(status=SubmissionStatus.OVERTURNED).values_list("findings", flat=True):
        for rule in {f.get("rule", "") for f in findings if f.get("severity") == "reject"} - {""}:
            counts[rule] = counts.get(rule, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def saved_views(*, user) -> list:
    """The user's own saved queue views and the ones others shared."""
    from moderation.models import SavedView

    if not user.has_perm("moderation.view_reviewcase"):
        return []
    return list(SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")
                .only("id", "name", "query", "shared", "owner__username").order_by("name", "id"))


def new_cases_count(qs: QuerySet[ReviewCase], since) -> int:
    """Cases of the current view that arrived after the page was drawn (the live counter)."""
    return qs.filter(created_at__gt=since).order_by().count()


def _builtin_entries() -> list:
    """The shipped lexicon entries (rules/lexicons), loaded once per process."""
    global _BUILTIN
    if _BUILTIN is None:
        from rules.lexicon import LEXICON_DIR, load_dir

        _BUILTIN = load_dir(LEXICON_DIR)[0]
    return _BUILTIN


_BUILTIN = None


def lexicon_terms(*, user, q: str = "", category: str = "", article: str = "", limit: int = 300) -> tuple[list, int]:
    """Every term the engine knows — shipped with the code and added by supervisors — with its
    source, filtered by word, category and article; (first ``limit`` rows, total)."""
    if not user.has_perm("moderation.view_ruleterm"):
        return [], 0
    rows = [{"term": e.term, "kind": e.kind, "category": e.category, "article": e.article, "severity": e.severity,
             "allow": e.kind == "allow", "source": e.source.rsplit("/", 1)[-1], "builtin": True, "active": True}
            for e in _builtin_entries()]
    for t in RuleTerm.objects.only("term", "allow", "category", "article", "severity", "is_active", "id"):
        rows.append({"term": t.term, "kind": "allow" if t.allow else "term", "category": t.category,
                     "article": t.article, "severity": t.severity, "allow": t.allow, "source": "", "builtin": False,
                     "active": t.is_active, "pk": t.pk})
    q = q.strip()
    hits = [r for r in rows if (not q or q in r["term"]) and (not category or r["category"] == category)
            and (not article or r["article"] == article)]
    return hits[:limit], len(hits)


def allowlist_impact(term: str, days: int = 30) -> dict:
    """What an allow-list entry would change: existing accounts whose name contains it, and the
    refusals and review cases of the last ``days`` days whose proposed name contains it."""
    since = timezone.now() - dt.timedelta(days=days)
    # the name as text (KT): ``info__name__contains`` would be JSON containment (an equal string)
    # on PostgreSQL and is refused on SQLite
    recent = Submission.objects.annotate(proposed_name=KT("info__name")).filter(
        created_at__gte=since, proposed_name__contains=term)
    return {"term": term, "days": days, "accounts": Account.objects.filter(name__contains=term).count(),
            "refusals": recent.filter(decision="reject").count(),
            "reviews": recent.filter(decision__in=("review", "strict_review")).count()}


def pending_measures(*, user) -> QuerySet[Measure]:
    if not user.has_perm("moderation.approve_measure"):
        return Measure.objects.none()
    return (Measure.objects.filter(state=MeasureState.PENDING_APPROVAL, action=Measure.Action.APPLY)
            .select_related("account", "case").order_by("created_at"))


def rule_term_list(*, user) -> QuerySet[RuleTerm]:
    if not user.has_perm("moderation.view_ruleterm"):
        return RuleTerm.objects.none()
    return RuleTerm.objects.all().order_by("-is_active", "category", "term")


def pauses_active(now=None) -> list[PauseSwitch]:
    now = now or timezone.now()
    return list(PauseSwitch.objects.filter(lifted_at__isnull=True, starts_at__lte=now)
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).order_by("-id"))


def dashboard_counts(*, user) -> dict:
    now = timezone.now()
    qs = open_cases()
    return {
        "open": qs.count(),
        "overdue": qs.filter(due_at__lt=now).count(),
        "mine": qs.filter(status=CaseStatus.CLAIMED, assignee=user).count(),
    }
