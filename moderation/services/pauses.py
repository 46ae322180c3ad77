"""Art 21 pause switches: pause registrations and/or information changes, platform-wide or by kind."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record
from moderation.choices import PauseKind, PauseScope
from moderation.models import PauseSwitch
from moderation.services.errors import ModerationError

_recent: dict = {}
RECENT_SECONDS = 2.0


def active_pause_cached(scope: str, account_kind: str) -> PauseSwitch | None:
    """``active_pause`` remembered for two seconds per process: the submission API asks on every
    request. A switch set or lifted in this process is seen at once, elsewhere within 2 s."""
    key = (scope, account_kind)
    hit = _recent.get(key)
    now = time.monotonic()
    if hit is not None and now < hit[0]:
        pause = hit[1]
        if pause is None or pause.ends_at is None or pause.ends_at > timezone.now():
            return pause
    pause = active_pause(scope, account_kind)
    _recent[key] = (now + RECENT_SECONDS, pause)
    return pause


def _forget() -> None:
    from django.core.cache import cache

    from moderation.context_processors import PAUSE_CACHE_KEY

    _recent.clear()
    cache.delete(PAUSE_CACHE_KEY)


def active_pause(scope: str, account_kind: str, now: dt.datetime | None = None) -> PauseSwitch | None:
    now = now or timezone.now()
    return (PauseSwitch.objects.filter(scope=scope, lifted_at__isnull=True, starts_at__lte=now)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .filter(account_kind__in=[PauseKind.ALL, account_kind]).order_by("-id").first())


@transaction.atomic
def pause_set(*, actor, scope: str, account_kind: str = PauseKind.ALL, reason: str,
              ends_at: dt.datetime | None = None) -> PauseSwitch:
    """Switch a pause on (supervisors; audited)."""
    if not actor.has_perm("moderation.manage_pause"):
        raise ModerationError(_("没有暂停注册或变更的权限"), code="forbidden", status=403)
    PauseScope(scope)
    PauseKind(account_kind)
    if len((reason or "").strip()) < 2:
        raise ModerationError(_("须填写原因"), field="reason")
    if ends_at is not None and ends_at <= timezone.now():
        raise ModerationError(_("结束时间必须晚于现在"), field="ends_at")
    now = timezone.now()
    # One pause in force per scope and user type: a pause for all users covers each kind, so
    # the two may not overlap either (the 503 would quote only one of their end times).
    overlapping = PauseSwitch.objects.select_for_update().filter(scope=scope, lifted_at__isnull=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    if account_kind != PauseKind.ALL:
        overlapping = overlapping.filter(account_kind__in=[PauseKind.ALL, account_kind])
    same = overlapping.order_by("id").first()
    if same is not None:
        raise ModerationError(_("相同范围和用户类型的暂停已在生效中（#%(id)s）；如需修改，请先解除它") % {"id": same.pk},
                              field="scope", code="duplicate", status=409)
    switch = PauseSwitch.objects.create(scope=scope, account_kind=account_kind, reason=reason.strip(), ends_at=ends_at,
                                        created_by=actor)
    _forget()
    transaction.on_commit(_forget, robust=True)
    record("pause.set", actor=actor, subject=switch,
           new={"scope": scope, "account_kind": account_kind, "reason": switch.reason, "ends_at": ends_at})
    return switch


@transaction.atomic
def pause_lift(*, actor, switch: PauseSwitch) -> PauseSwitch:
    if not actor.has_perm("moderation.manage_pause"):
        raise ModerationError(_("没有暂停注册或变更的权限"), code="forbidden", status=403)
    switch = PauseSwitch.objects.select_for_update().get(pk=switch.pk)
    if switch.lifted_at is not None:
        raise ModerationError(_("该暂停已解除"), code="illegal_transition", status=409)
    switch.lifted_at, switch.lifted_by = timezone.now(), actor
    switch.save(update_fields=["lifted_at", "lifted_by"])
    _forget()
    transaction.on_commit(_forget, robust=True)
    record("pause.lifted", actor=actor, subject=switch, new={"scope": switch.scope, "account_kind": switch.account_kind})
    return switch
