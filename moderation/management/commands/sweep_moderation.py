from django.core.management.base import BaseCommand

from core.context import execution
from moderation.jobs import sweep


class Command(BaseCommand):
    help = "Run the moderation deadline sweep now (the same job rqcron schedules every few minutes)."

    def handle(self, *args, **options):
        with execution("job"):
            counts = sweep()
        self.stdout.write(f"moderation sweep: {counts}")
