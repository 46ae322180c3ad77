from django.core.management.base import BaseCommand, CommandError

from core.apiauth import api_client_create
from core.registry import registry


class Command(BaseCommand):
    help = "Create a platform API client and print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", dest="scopes", help="a scope (repeatable): one the apps declare, or *")
        parser.add_argument("--webhook-url", default="")

    def handle(self, *args, name, scopes, webhook_url, **options):
        try:
            client, token = api_client_create(actor=None, name=name, scopes=scopes or list(registry.api_scopes),
                                              webhook_url=webhook_url)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client {client.name} scopes={client.scopes}\ntoken (shown once): {token}")
