"""Start a recheck run (Art 15) from system cron; with --wait, print progress and a summary and
exit non-zero when the run fails or is cancelled."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from rechecks.choices import RunStatus
from rechecks.models import RecheckRun
from rechecks.services.runs import recheck_start, requeue_stalled


class Command(BaseCommand):
    help = "Recheck existing accounts: --scope all|stale|kind=organization|kind=individual|public|since=YYYY-MM-DD"

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="stale")
        parser.add_argument("--wait", action="store_true", help="wait for the run to end, printing progress")
        parser.add_argument("--join", action="store_true", help="join an active run of the same scope")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between progress lines")

    def handle(self, *args, scope, wait, join, interval, **options):
        try:
            run = recheck_start(actor=None, scope=scope, join=join)
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'scope'}: {exc.message}") from None
        self.stdout.write(f"recheck #{run.pk} ({run.scope}) started")
        if not wait:
            return
        while True:
            run.refresh_from_db()
            self.stdout.write(f"#{run.pk} {run.status}: {run.checked}/{run.total} checked, {run.flagged} flagged, "
                              f"{run.errors} errors")
            if not run.is_active:
                break
            requeue_stalled()
            time.sleep(interval)
        self.stdout.write(f"recheck #{run.pk} {run.status}: {run.checked} checked, {run.clean} clean, "
                          f"{run.flagged} flagged, {run.errors} errors, {run.cases_opened} cases opened")
        if run.status != RunStatus.FINISHED:
            raise CommandError(f"recheck #{run.pk} ended {run.status}")


__all__ = ["Command", "RecheckRun"]
