"""Which accounts a run covers. A scope is a short stable string (the uniqueness key of active
runs): ``all``, ``stale``, ``kind=organization``, ``kind=individual``, ``public``,
``since=YYYY-MM-DD`` (accounts registered since that day), ``rolling`` (the nightly slice,
oldest-checked first), ``import=N`` (the accounts of import run N) and ``accounts:<digest>``
(an explicit list, e.g. the accounts a lexicon change would newly flag)."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AccountKind, AccountStatus
from accounts.models import Account
from core.errors import ServiceError
from core.workdays import SHANGHAI
from rechecks import conf

LIVE = Q(status__in=[AccountStatus.ACTIVE, AccountStatus.RESTRICTED, AccountStatus.SUSPENDED])
FIXED = ("all", "stale", "public", "rolling")


def stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=conf.get("cycle_days"))


def parse(scope: str) -> tuple[str, str]:
    """Check a scope string; returns (normalised scope, label). Raises ServiceError naming ``scope``."""
    scope = (scope or "").strip()
    if scope in FIXED:
        labels = {"all": _("全部账号"), "stale": _("超过核验周期未核验的账号"), "public": _("公众账号"),
                  "rolling": _("滚动核验（最久未核验者优先）")}
        return scope, str(labels[scope])
    key, _sep, value = scope.partition("=")
    if key == "kind" and value in AccountKind.values:
        return scope, _("用户类型：%(kind)s") % {"kind": AccountKind(value).label}
    if key == "since":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ServiceError(_("日期格式应为 YYYY-MM-DD"), field="scope") from None
        return f"since={day.isoformat()}", _("%(day)s 以来注册的账号") % {"day": day.isoformat()}
    if key == "import" and value.isdigit():
        return scope, _("导入批次 #%(n)s 的账号") % {"n": value}
    if scope.startswith("accounts:"):
        return scope, _("指定账号")
    raise ServiceError(_("未知的核验范围：%(scope)s（可用 all、stale、kind=organization、since=YYYY-MM-DD）")
                       % {"scope": scope}, field="scope")


def queryset(scope: str):
    """The live accounts of a filter scope (explicit scopes list their ids instead)."""
    qs = Account.objects.filter(LIVE)
    key, _sep, value = scope.partition("=")
    if scope == "stale":
        return qs.filter(Q(last_rechecked_at__isnull=True) | Q(last_rechecked_at__lt=stale_before()))
    if scope == "public":
        return qs.filter(is_public_account=True)
    if key == "kind":
        return qs.filter(kind=value)
    if key == "since":
        start = dt.datetime.combine(dt.date.fromisoformat(value), dt.time.min, tzinfo=SHANGHAI)
        return qs.filter(created_at__gte=start)
    if key == "import":
        return qs.filter(versions__reference=f"import:{value}", versions__version=1)
    return qs


def explicit_ids(scope: str) -> list[int] | None:
    """The accounts of a scope that is a list rather than a filter (``rolling``), else None."""
    if scope != "rolling":
        return None
    live = Account.objects.filter(LIVE)
    n = math.ceil(live.count() / max(1, conf.get("cycle_days")))
    ids = list(live.filter(last_rechecked_at__isnull=True).order_by("id").values_list("id", flat=True)[:n])
    if len(ids) < n:
        ids += list(live.filter(last_rechecked_at__isnull=False).order_by("last_rechecked_at", "id")
                    .values_list("id", flat=True)[:n - len(ids)])
    return sorted(ids)
