from django.core.management.base import BaseCommand, CommandError

from core.clients import api_client_create
from core.errors import ServiceError
from core.registry import registry


class Command(BaseCommand):
    help = ("Create a platform API client and print its token and webhook signing secret once "
            "(they are never shown again; admins can rotate both in the back office).")

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", dest="scopes", help="a scope (repeatable): one the apps declare, or *")
        parser.add_argument("--webhook-url", default="")

    def handle(self, *args, name, scopes, webhook_url, **options):
        try:
            client, token = api_client_create(actor=None, name=name, scopes=scopes or list(registry.api_scopes),
                                              webhook_url=webhook_url)
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'client'}: {exc.message}") from exc
        self.stdout.write(f"client {client.name} scopes={client.scopes}\n"
                          f"token (shown once): {token}\n"
                          f"webhook secret (shown once): {client.webhook_secret}")
