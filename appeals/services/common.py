"""What the appeal services share: the actor check and the error type."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.models import ApiClient

SCOPE = "appeals:write"
DECIDE_PERMISSION = "appeals.decide_appeal"


def staff_user(actor):
    """The staff user behind ``actor``, or None for the system or an API client."""
    return actor if isinstance(actor, get_user_model()) else None


def require_decider(actor) -> None:
    """Only a supervisor (``appeals.decide_appeal``) reviews appeals; clients and the system never."""
    user = staff_user(actor)
    if user is None or not user.has_perm(DECIDE_PERMISSION):
        raise ServiceError(_("只有审核主管可以复核申诉"), code="forbidden", status=403)


def require_filer(actor) -> None:
    """Appeals come from the platform (a client with ``appeals:write``) or from the holder through
    the signed link in a notice (``actor=None``: the link is the proof); never from staff."""
    if actor is None:
        return
    if isinstance(actor, ApiClient) and actor.has_scope(SCOPE):
        return
    raise ServiceError(_("此客户端没有 %(scope)s 权限") % {"scope": SCOPE}, code="forbidden", status=403)
