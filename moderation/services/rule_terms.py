"""Supervisor-managed lexicon terms: every change is audited and bumps the rule-set version,
which web processes and workers notice (core.rules_engine) and recompile without a restart."""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.audit import record
from moderation.choices import Decision
from moderation.models import ReasonTemplate, RuleSetVersion, RuleTerm
from moderation.services.errors import ModerationError

CACHE_KEY = "qinglang:ruleset:counter"
ARTICLES = {"7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "10.2", "11"}


_local: dict = {"token": None, "until": 0.0}
LOCAL_SECONDS = 1.0


def current_counter() -> str:
    """The DB rule-set token. Read from the shared cache at most once a second per process (the
    engine is consulted several times per request); a change deletes the shared key and this
    process's copy, so the changing process sees its own change at once and every other process
    within about a second."""
    now = time.monotonic()
    if _local["token"] is not None and now < _local["until"]:
        return _local["token"]
    value = cache.get(CACHE_KEY)
    if value is None:
        value = RuleSetVersion.objects.filter(pk=1).values_list("token", flat=True).first() or "initial"
        cache.set(CACHE_KEY, value, 5)
    _local.update(token=value, until=now + LOCAL_SECONDS)
    return value


def _forget_local() -> None:
    _local.update(token=None, until=0.0)


def active_terms() -> list[dict]:
    return [
        {"term": t.term, "category": t.category, "article": t.article, "severity": t.severity,
         "homophone": t.homophone, "allow": t.allow, "note": t.note}
        for t in RuleTerm.objects.filter(is_active=True).order_by("id")
    ]


def _bump() -> None:
    RuleSetVersion.objects.get_or_create(pk=1)
    RuleSetVersion.objects.filter(pk=1).update(counter=F("counter") + 1, token=uuid.uuid4().hex)
    cache.delete(CACHE_KEY)
    _forget_local()
    transaction.on_commit(lambda: (cache.delete(CACHE_KEY), _forget_local()), robust=True)


def _validate(term: str, article: str, severity: str, category: str) -> str:
    term = (term or "").strip()
    if not term or len(term) > 100:
        raise ModerationError(_("词条须为 1–100 个字符"), field="term")
    if article not in ARTICLES:
        raise ModerationError(_("未知条款 %(article)s") % {"article": article}, field="article")
    if severity not in Decision.values or severity == Decision.ALLOW:
        raise ModerationError(_("级别须为 review / strict_review / reject"), field="severity")
    if not (category or "").strip():
        raise ModerationError(_("须填写类别"), field="category")
    return term


@transaction.atomic
def rule_term_save(*, actor, term: str, category: str, article: str, severity: str = Decision.REVIEW,
                   homophone: bool = False, allow: bool = False, note: str = "", instance: RuleTerm | None = None) -> RuleTerm:
    """Add or edit a term (or an allow-list entry) and bump the rule-set version."""
    term = _validate(term, article, severity, category)
    if RuleTerm.objects.filter(term=term, category=category, allow=allow).exclude(pk=getattr(instance, "pk", None)).exists():
        raise ModerationError(_("同类别下已有该词条"), field="term", code="duplicate", status=409)
    old = None
    if instance is None:
        instance = RuleTerm(created_by=actor)
    else:
        instance = RuleTerm.objects.select_for_update().get(pk=instance.pk)
        old = {"term": instance.term, "category": instance.category, "article": instance.article,
               "severity": instance.severity, "homophone": instance.homophone, "allow": instance.allow, "note": instance.note}
    instance.term, instance.category, instance.article, instance.severity = term, category.strip(), article, severity
    instance.homophone, instance.allow, instance.note = homophone, allow, note.strip()
    instance.save()
    _bump()
    record("rule_term.saved", actor=actor, subject=instance, old=old,
           new={"term": term, "category": instance.category, "article": article, "severity": severity,
                "homophone": homophone, "allow": allow, "note": instance.note})
    return instance


@transaction.atomic
def rule_term_set_active(*, actor, instance: RuleTerm, active: bool) -> RuleTerm:
    instance = RuleTerm.objects.select_for_update().get(pk=instance.pk)
    if instance.is_active == active:
        return instance
    instance.is_active = active
    instance.save(update_fields=["is_active", "updated_at"])
    _bump()
    record("rule_term.enabled" if active else "rule_term.disabled", actor=actor, subject=instance,
           new={"term": instance.term, "category": instance.category})
    return instance


@transaction.atomic
def reason_template_save(*, actor, article: str, title: str, text: str, is_active: bool = True,
                         instance: ReasonTemplate | None = None) -> ReasonTemplate:
    """Add or edit a rejection-reason template (supervisors; audited)."""
    if not actor.has_perm("moderation.change_reasontemplate" if instance else "moderation.add_reasontemplate"):
        raise ModerationError(_("没有编辑理由模板的权限"), code="forbidden", status=403)
    if article not in ARTICLES | {"10.3", "17"}:
        raise ModerationError(_("未知条款 %(article)s") % {"article": article}, field="article")
    if not (title or "").strip():
        raise ModerationError(_("须填写标题"), field="title")
    if len((text or "").strip()) < 4:
        raise ModerationError(_("说明至少 4 个字"), field="text")
    old = None
    if instance is not None:
        instance = ReasonTemplate.objects.select_for_update().get(pk=instance.pk)
        old = {"article": instance.article, "title": instance.title, "text": instance.text,
               "is_active": instance.is_active}
    else:
        instance = ReasonTemplate()
    instance.article, instance.title, instance.text, instance.is_active = article, title.strip(), text.strip(), is_active
    instance.save()
    record("reason_template.saved", actor=actor, subject=instance, old=old,
           new={"article": article, "title": instance.title, "text": instance.text, "is_active": is_active})
    return instance
