from django.core.management.base import BaseCommand

from core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random QINGLANG_FIELD_KEY (keep it in your secret store, never in git)."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
