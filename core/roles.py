"""Staff roles (Django groups) and their permissions.

The role names and their words live here; which permissions each role holds is declared by the
app that owns the permission, in its ``AppConfig.ready()`` through
``core.registry.register_role_permissions`` (core cannot know the apps above it). One
``post_migrate`` handler (connected in ``CoreConfig.ready()``) syncs the groups from that one
declaration after every ``migrate``, so a fresh database gets the groups and a new permission
reaches its roles without a data migration.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.registry import registry

MODERATOR = "moderator"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
ADMIN = "admin"

ROLES = (MODERATOR, SUPERVISOR, AUDITOR, ADMIN)
ROLE_LABELS = {MODERATOR: _("审核员"), SUPERVISOR: _("审核主管"), AUDITOR: _("审计员"), ADMIN: _("管理员")}
ALL_PERMISSIONS = "*"  # the admin role holds every permission


def role_permissions() -> dict[str, set[str]]:
    """Each role's permissions as declared by the apps (``{"admin": {"*"}}`` for the admin)."""
    declared = {role: set(registry.role_permissions.get(role, ())) for role in ROLES}
    declared[ADMIN] = {ALL_PERMISSIONS}
    return declared


def sync_roles(**_kwargs) -> None:
    """Create the groups and set their permissions from the declaration (idempotent).

    Connected to ``post_migrate``; tests that flush the database call it again. An unknown
    permission is an error: a typo would otherwise silently take a power away from a role.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    by_key = {f"{app_label}.{codename}": pk for pk, app_label, codename in
              Permission.objects.values_list("pk", "content_type__app_label", "codename")}
    for role, perms in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        if perms == {ALL_PERMISSIONS}:
            group.permissions.set(by_key.values())
            continue
        unknown = sorted(p for p in perms if p not in by_key)
        if unknown:
            raise LookupError(f"role {role!r} names unknown permissions: {', '.join(unknown)}")
        group.permissions.set(by_key[p] for p in perms)
