"""Staff roles (Django groups) and their permissions.

One map for the whole product; each app's data migration calls ``sync_roles`` so a fresh
database gets the groups, and adding a permission here plus a migration updates them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MODERATOR = "moderator"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
ADMIN = "admin"

ROLE_LABELS = {MODERATOR: _("审核员"), SUPERVISOR: _("审核主管"), AUDITOR: _("审计员"), ADMIN: _("管理员")}

_ACCOUNT_VIEW = [
    "accounts.view_account", "accounts.view_accountinfoversion", "accounts.view_identityverification",
    "accounts.view_qualification", "accounts.view_orgcertification",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    MODERATOR: [*_ACCOUNT_VIEW],
    SUPERVISOR: [
        *_ACCOUNT_VIEW, "accounts.reveal_identity", "accounts.change_qualification",
        "accounts.change_orgcertification", "core.view_auditentry",
    ],
    AUDITOR: [*_ACCOUNT_VIEW, "core.view_auditentry", "core.view_apicall", "core.view_jobrun"],
    ADMIN: ["*"],
}


def extend_role(role: str, permissions: list[str]) -> None:
    """Higher apps add their permissions to roles at import time (before migrations run)."""
    for perm in permissions:
        if perm not in ROLE_PERMISSIONS[role]:
            ROLE_PERMISSIONS[role].append(perm)


def sync_roles(apps=None, schema_editor=None) -> None:
    """Create the groups and set their permissions (idempotent). Usable as a RunPython."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    registry = apps or global_apps
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if perms == ["*"]:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            p = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if p is not None:
                wanted.append(p)
        group.permissions.set(wanted)
