"""Staff logins and their roles, managed in the back office by admins (``core.manage_staff``).

A back office that records every decision must also record who was given the power to decide:
creating a login, changing its roles, deactivating or reactivating it and issuing a password
link each write an audit entry. Staff are never deleted — a deactivated login cannot sign in
but keeps its name on everything it did. Passwords are never chosen by an admin: a one-time
link (Django's reset token: it stops working once used, when the password changes, or after
``PASSWORD_RESET_TIMEOUT``) lets the person set their own. ``actor=None`` is the system
(``manage.py create_staff`` for the first admin).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import roles as role_names
from core.audit import record
from core.errors import ServiceError

PERMISSION = "core.manage_staff"


def _require(actor) -> None:
    if actor is not None and not actor.has_perm(PERMISSION):
        raise ServiceError(_("没有管理工作人员的权限"), code="forbidden", status=403)


def roles_of(user: User) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in role_names.ROLES)


def _clean_roles(roles) -> list[str]:
    roles = sorted(set(roles or ()))
    unknown = [r for r in roles if r not in role_names.ROLES]
    if unknown:
        raise ServiceError(_("未知角色：%(roles)s") % {"roles": "、".join(unknown)}, field="roles")
    if not roles:
        raise ServiceError(_("请至少选择一个角色"), field="roles")
    return roles


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ServiceError(_("用户名只能包含字母、数字和 @/./+/-/_"), field="username") from exc
    if not 2 <= len(username) <= 150:
        raise ServiceError(_("用户名须为 2–150 个字符"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("用户名已被使用"), field="username", code="duplicate", status=409)
    return username


def _set_roles(user: User, roles: list[str]) -> None:
    others = [g for g in user.groups.all() if g.name not in role_names.ROLES]
    user.groups.set([*others, *Group.objects.filter(name__in=roles)])
    user.is_staff = role_names.ADMIN in roles  # Django's own admin site: admins only
    user.save(update_fields=["is_staff"])


@transaction.atomic
def staff_create(*, actor, username: str, full_name: str = "", email: str = "", roles) -> User:
    """A new staff login with roles and no usable password (a reset link sets it)."""
    _require(actor)
    username, roles = _clean_username(username), _clean_roles(roles)
    if email and "@" not in email:
        raise ServiceError(_("邮箱格式不正确"), field="email")
    if not Group.objects.filter(name__in=roles).exists():
        role_names.sync_roles()
    user = User(username=username, first_name=(full_name or "").strip()[:150], email=(email or "").strip())
    user.set_unusable_password()
    user.save()
    _set_roles(user, roles)
    record("staff.created", actor=actor, subject=user,
           new={"username": username, "full_name": user.first_name, "roles": roles})
    return user


def _lock(user: User) -> User:
    return User.objects.select_for_update().prefetch_related("groups").get(pk=user.pk)


def _keeps_an_admin(user: User) -> None:
    """Fail if ``user`` is the last active admin (nobody could manage staff any more)."""
    others = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if not (others.filter(groups__name=role_names.ADMIN).exists() or others.filter(is_superuser=True).exists()):
        raise ServiceError(_("这是最后一个有效的管理员，不能取消"), field="roles", code="last_admin", status=409)


@transaction.atomic
def staff_set_roles(*, actor, user: User, roles) -> User:
    _require(actor)
    roles = _clean_roles(roles)
    user = _lock(user)
    old = roles_of(user)
    if old == roles:
        return user
    if role_names.ADMIN in old and role_names.ADMIN not in roles:
        if actor is not None and actor.pk == user.pk:
            raise ServiceError(_("不能取消自己的管理员角色"), field="roles", code="forbidden", status=403)
        _keeps_an_admin(user)
    _set_roles(user, roles)
    record("staff.roles_changed", actor=actor, subject=user, old={"roles": old}, new={"roles": roles})
    return user


@transaction.atomic
def staff_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (cannot sign in; sessions end at their next request) or reactivate a login."""
    _require(actor)
    user = _lock(user)
    if user.is_active == active:
        return user
    if not active:
        if actor is not None and actor.pk == user.pk:
            raise ServiceError(_("不能停用自己的账号"), code="forbidden", status=403)
        if role_names.ADMIN in roles_of(user) or user.is_superuser:
            _keeps_an_admin(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record("staff.reactivated" if active else "staff.deactivated", actor=actor, subject=user,
           old={"is_active": not active}, new={"is_active": active})
    return user


@transaction.atomic
def staff_password_link(*, actor, user: User, base_url: str = "") -> str:
    """A one-time link that lets ``user`` set a new password; the old one stops working now."""
    _require(actor)
    user = _lock(user)
    if not user.is_active:
        raise ServiceError(_("账号已停用，请先重新启用"), code="inactive", status=409)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = default_token_generator.make_token(user)
    path = reverse("core:staff_password_set", args=[urlsafe_base64_encode(force_bytes(user.pk)), token])
    record("staff.password_link_issued", actor=actor, subject=user)
    return base_url.rstrip("/") + path


@transaction.atomic
def staff_password_set_recorded(*, user: User) -> None:
    """Called by the set-password page once the person has chosen a password with the link."""
    record("staff.password_set", actor=user, subject=user)
