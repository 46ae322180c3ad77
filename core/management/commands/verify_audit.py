from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain
from core.audit_checkpoints import verify_checkpoints
from core.registry import registry


class Command(BaseCommand):
    help = ("Verify the audit MAC chain and the newest signed lane-head checkpoint (and a shipped "
            "checkpoint file with --checkpoints), then the records other apps register for checking "
            "(stored report files, …); report every problem (exit 1 if anything is broken).")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", type=Path, help="a copy of QINGLANG_AUDIT_CHECKPOINT_FILE to compare with")

    def handle(self, *args, **options):
        checked, broken, reason = verify_chain()
        problems = []
        if broken is not None:
            problems.append(
                f"audit chain BROKEN at entry {broken.pk} (lane {broken.lane} seq {broken.seq}, event {broken.event}): "
                f"{reason}; {checked} entries before it are intact"
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries"))
        count, found = verify_checkpoints(options.get("checkpoints"))
        problems.extend(found)
        if not found:
            self.stdout.write(self.style.SUCCESS(f"audit checkpoints: {count} checked, every lane reaches its head"))
        for name, check in sorted(registry.integrity_checks.items()):
            count, found = check()
            problems.extend(f"{name}: {line}" for line in found)
            if not found:
                self.stdout.write(self.style.SUCCESS(f"{name}: {count} records intact"))
        if problems:
            raise CommandError("\n".join(problems))
