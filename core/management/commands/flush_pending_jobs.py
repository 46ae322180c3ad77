from django.core.management.base import BaseCommand

from core.context import execution
from core.jobs import flush_pending_jobs


class Command(BaseCommand):
    help = ("Hand every job recorded while Redis was unreachable (core.PendingJob) to RQ now; the job "
            "rqcron runs every minute does the same for rows older than 30 s.")

    def handle(self, *args, **options):
        with execution("job"):
            counts = flush_pending_jobs(limit=10_000_000)
        self.stdout.write(f"pending jobs: {counts}")
        if counts["left"]:
            self.stderr.write("Redis did not take every job; the rest stay recorded (run again when it answers).")
