from django.core.management.base import BaseCommand

from core.context import execution
from core.webhooks.jobs import sweep


class Command(BaseCommand):
    help = ("Run the webhook sweep now (the job rqcron schedules every 5 minutes): RQ registry maintenance, "
            "and deliveries whose booked retry never ran are queued again.")

    def handle(self, *args, **options):
        with execution("job"):
            counts = sweep()
        self.stdout.write(f"webhook sweep: {counts}")
