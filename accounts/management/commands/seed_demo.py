"""Demo data for ``make run``: staff users, a platform API client and a few thousand accounts."""

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import demo_accounts
from accounts.importer import run_import
from core import roles
from core.models import ApiClient
from core.registry import registry

DEMO_USERS = {
    "moderator": ("qinglang-moderator", [roles.MODERATOR]),
    "moderator2": ("qinglang-moderator", [roles.MODERATOR]),
    "supervisor": ("qinglang-supervisor", [roles.SUPERVISOR]),
    "supervisor2": ("qinglang-supervisor", [roles.SUPERVISOR]),
    "auditor": ("qinglang-auditor", [roles.AUDITOR]),
    "admin": ("qinglang-admin", [roles.ADMIN]),
}
DEMO_TOKEN = "qlk_demo-platform-token-for-local-use-only"  # noqa: S105 - development demo only


def login_url(environ=None) -> str:
    """Where ``make run`` serves the log-in page: its HOST and PORT (passed on by the Makefile)."""
    environ = os.environ if environ is None else environ
    host = environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a listen address, not a bind here
        host = "127.0.0.1"
    return f"http://{host}:{environ.get('PORT') or '8000'}/login/"


class Command(BaseCommand):
    help = "Load demo staff, an API client and demo accounts (idempotent; refused in production)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=3000)

    def handle(self, *args, accounts: int, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo is for development and demos only")
        roles.sync_roles()
        with transaction.atomic():
            for username, (password, groups) in DEMO_USERS.items():
                user, _ = User.objects.get_or_create(username=username)
                user.set_password(password)
                user.is_staff = username == "admin"
                user.is_superuser = username == "admin"
                user.save()
                user.groups.set(Group.objects.filter(name__in=groups))
            ApiClient.objects.update_or_create(
                name="demo-platform",
                defaults={"token_prefix": DEMO_TOKEN[:12], "token_hash": hashlib.sha256(DEMO_TOKEN.encode()).hexdigest(),
                          "scopes": ["*"], "is_active": True},
            )
        rows = demo_accounts(accounts)
        tmp = Path(tempfile.gettempdir()) / f"qinglang-demo-{accounts}.jsonl"
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        run = run_import(tmp, report_path=tmp.with_suffix(".rejected.jsonl"))
        for hook in sorted(registry.seed_hooks.values(), key=lambda h: h.order):
            hook.fn(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"demo accounts: {run.imported} imported in total"))
        self.stdout.write(f"demo logins ({login_url()}):")
        for username, (password, groups) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<12} {password:<22} {', '.join(groups)}")
        self.stdout.write(f"demo API token (scopes *): {DEMO_TOKEN}")

