from django.core.management.base import BaseCommand, CommandError

from core import roles
from core.context import execution
from core.errors import ServiceError
from core.staff import staff_create, staff_password_link


class Command(BaseCommand):
    help = ("Create a staff login with a role (the first admin: --role admin) and print a one-time link "
            "that lets the person set their password. Audited as the system.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", choices=roles.ROLES, required=True,
                            help="repeat for several roles")
        parser.add_argument("--name", default="", help="the person's name as shown on records")
        parser.add_argument("--email", default="")
        parser.add_argument("--base-url", default="", help="e.g. https://qinglang.example.cn (else a path only)")

    def handle(self, *args, **options):
        try:
            with execution("shell"):
                user = staff_create(actor=None, username=options["username"], full_name=options["name"],
                                    email=options["email"], roles=options["role"])
                link = staff_password_link(actor=None, user=user, base_url=options["base_url"])
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'error'}: {exc.message}") from exc
        self.stdout.write(f"created {user.username} ({', '.join(options['role'])})")
        self.stdout.write(f"one-time link to set the password: {link}")
