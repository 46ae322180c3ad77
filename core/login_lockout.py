"""Log-in lockout (django-axes): per account and per client address, with backoff, audited.

Axes counts failed log-ins per user name and, separately, per client address (``client_ip``,
which believes only ``QINGLANG_TRUSTED_PROXIES``). After ``AXES_FAILURE_LIMIT`` failures the
account or the address is refused — even with the right password — for a cool-off period that
doubles with every further ``AXES_FAILURE_LIMIT`` failures (backoff), up to a day. A
supervisor unlocks early with ``manage.py axes_reset_username <name>`` (docs/security.md).

Each lockout step is an audit entry (``auth.locked_out``); the client address is personal data,
so it appears in neither the audit entry nor the log line (only a masked form in the log).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

MAX_COOLOFF = timedelta(days=1)


def _failures(request) -> int:
    """The larger of the account's and the address's failure counts still on record."""
    from axes.models import AccessAttempt

    username = (request.POST.get(settings.AXES_USERNAME_FORM_FIELD) or "") if request.method == "POST" else ""
    ip = getattr(request, "axes_ip_address", None)
    counts = [0]
    for filters in ({"username": username} if username else None, {"ip_address": ip} if ip else None):
        if filters:
            counts.append(AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return max(counts)


def cooloff(request=None) -> timedelta:
    """``AXES_COOLOFF_TIME``: base minutes, doubled per further ``AXES_FAILURE_LIMIT`` failures."""
    base = timedelta(minutes=settings.QINGLANG_LOGIN_COOLOFF_MINUTES)
    if request is None:
        return base
    steps = max(0, _failures(request) - settings.AXES_FAILURE_LIMIT) // settings.AXES_FAILURE_LIMIT
    return min(base * (2 ** min(steps, 16)), MAX_COOLOFF)


def mask_ip(ip: str | None) -> str:
    """``203.0.113.7`` → ``203.0.*.*``; IPv6 keeps its first two groups."""
    if not ip:
        return "-"
    if ":" in ip:
        return ":".join(ip.split(":")[:2]) + ":*"
    parts = ip.split(".")
    return ".".join(parts[:2] + ["*"] * (len(parts) - 2))


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """``AXES_CLIENT_STR_CALLABLE``: what axes writes to the log, with the address masked."""
    return f"username={username!r} ip={mask_ip(ip_address)} path={path_info}"


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the log-in page again, 429, with a clear message."""
    from django.contrib.auth.forms import AuthenticationForm

    minutes = max(1, int(cooloff(request).total_seconds() // 60))
    message = _("登录失败次数过多，该账号或当前网络地址已被暂时锁定。请在 %(minutes)s 分钟后再试；"
                "如需提前解锁，请联系主管。") % {"minutes": minutes}
    return render(request, "registration/login.html",
                  {"form": AuthenticationForm(request), "lockout_message": message, "next": request.POST.get("next", "")},
                  status=429)


def _audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """One audit entry per lockout step (the first lockout and every doubling), not per refused try."""
    from django.contrib.auth import get_user_model

    from core import audit

    failures = getattr(request, "axes_failures_since_start", None) or settings.AXES_FAILURE_LIMIT
    if (failures - settings.AXES_FAILURE_LIMIT) % settings.AXES_FAILURE_LIMIT:
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit.record("auth.locked_out", actor=None, subject=user, subject_label=username or "",
                     new={"username": username or "", "failures": failures,
                          "cooloff_minutes": int(cooloff(request).total_seconds() // 60)})


def connect() -> None:
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="core.login_lockout.audit")(_audit_lockout)
