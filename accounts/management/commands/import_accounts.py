from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.importer import run_import
from accounts.models import ImportRun
from accounts.signals import import_finished


class Command(BaseCommand):
    help = "Import existing platform accounts from a JSONL file (validated per line, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--report", type=Path, help="where to write rejected lines (default FILE.rejected.jsonl)")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, file: Path, report: Path | None, batch_size: int, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        report = report or file.with_suffix(file.suffix + ".rejected.jsonl")

        def progress(run):
            self.stderr.write(f"\r{run.lines_done} lines · {run.imported} imported · {run.rejected} rejected", ending="")

        run = run_import(file, report_path=report, batch_size=batch_size, progress=progress)
        if run.finished_at is not None and run.imported:
            # Apps above (rechecks) start a recheck of the imported accounts (Art 15).
            with transaction.atomic():
                import_finished.send(sender=ImportRun, run=run)
        self.stderr.write("")
        self.stdout.write(
            f"import {file}: {run.imported} imported, {run.rejected} rejected, {run.lines_done} lines"
            + (f"; rejected lines in {report}" if run.rejected else "")
        )
