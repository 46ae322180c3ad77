"""The registry of extension points (core/registry.py) as the apps fill it in ``ready()``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from core import roles
from core.registry import media_permission, nav_items, register_role_permissions, registry

ROOT = Path(__file__).resolve().parent.parent


def _recorded_event_codes():
    """Every event code passed to core.audit.record() anywhere in the apps (both branches of a
    conditional expression included)."""
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", "bench", ".venv") or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record" \
                    and node.args:
                for const in ast.walk(node.args[0]):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        yield f"{path.relative_to(ROOT)}:{node.lineno}", const.value


def test_every_recorded_event_has_words():
    codes = list(_recorded_event_codes())
    assert len(codes) > 40
    missing = sorted({f"{where} {code}" for where, code in codes if code not in registry.event_labels})
    assert not missing, "audit events without a label (register them in the app's events.py):\n" + "\n".join(missing)


def test_every_event_falls_in_a_group():
    orphans = [code for code in registry.event_labels if not any(code.startswith(g) for g in registry.event_groups)]
    assert not orphans


@pytest.mark.django_db
def test_roles_are_synced_from_the_apps_declarations():
    roles.sync_roles()
    perms = {role: {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}
             for role in roles.ROLES}
    assert {"moderation.approve_measure", "complaints.reveal_contact", "accounts.reveal_identity",
            "core.view_auditentry"} <= perms[roles.SUPERVISOR]
    assert "moderation.decide_case" in perms[roles.MODERATOR]
    assert not {"moderation.approve_measure", "core.view_auditentry", "accounts.reveal_identity"} & perms[roles.MODERATOR]
    assert "core.view_auditentry" in perms[roles.AUDITOR] and "moderation.decide_case" not in perms[roles.AUDITOR]
    assert len(perms[roles.ADMIN]) > len(perms[roles.SUPERVISOR])


@pytest.mark.django_db
def test_a_misspelt_permission_fails_the_sync_instead_of_silently_dropping_it():
    register_role_permissions(roles.AUDITOR, ["moderation.view_reviewcases"])
    try:
        with pytest.raises(LookupError, match="view_reviewcases"):
            roles.sync_roles()
    finally:
        registry.role_permissions[roles.AUDITOR].discard("moderation.view_reviewcases")


def test_navigation_is_ordered_and_complete():
    names = [item.url_name for item in nav_items()]
    assert names[0] == "dashboard"
    assert {"accounts:account_list", "moderation:case_list", "complaints:complaint_list", "core:audit_list"} <= set(names)
    assert names.index("accounts:account_list") < names.index("moderation:case_list") < names.index(
        "complaints:complaint_list")


def test_media_folders_name_their_permission_and_others_are_not_served():
    assert media_permission("images/2026/12/a.png") == "accounts.view_account"
    assert media_permission("submissions/2026/12/a.png") == "moderation.view_submission"
    assert media_permission("complaints/evidence/2026/12/a.png") is None
    assert media_permission("../secret") is None


@pytest.mark.django_db
def test_the_media_view_follows_the_registry(login, moderator, nobody, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for folder in ("images", "complaints/evidence"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert login(moderator).get("/media/images/a.png").status_code == 200
    assert login(nobody).get("/media/images/a.png").status_code == 403
    assert login(moderator).get("/media/complaints/evidence/a.png").status_code == 404


def test_api_scopes_come_from_the_apps():
    assert {"accounts:read", "accounts:write", "submissions:write", "notices:read", "complaints:write"} <= set(
        registry.api_scopes)
