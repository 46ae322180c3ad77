"""Recompute every credit score from its ledger and report the differences (Art 18: the score is
explainable only if the ledger adds up to it). Exit status 1 when any account differs."""

from django.core.management.base import BaseCommand, CommandError

from moderation.services.credit import credit_recompute


class Command(BaseCommand):
    help = "Recompute credit scores from the ledger and report accounts whose stored score differs."

    def handle(self, *args, **options):
        problems = credit_recompute()
        for p in problems:
            self.stdout.write(f"account {p['account_id']}: stored {p['stored']}, ledger gives {p['recomputed']}"
                              f"{'' if p['chain_ok'] else ' (score_after chain broken)'}")
        if problems:
            raise CommandError(f"{len(problems)} accounts differ from their ledger")
        self.stdout.write("credit ledger consistent")
