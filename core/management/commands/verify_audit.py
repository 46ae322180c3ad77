from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit hash chain; report the first broken link (exit 1 if broken)."

    def handle(self, *args, **options):
        checked, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(
                f"audit chain BROKEN at entry {broken.pk} (lane {broken.lane} seq {broken.seq}, event {broken.event}): {reason}; "
                f"{checked} entries before it are intact"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries"))
