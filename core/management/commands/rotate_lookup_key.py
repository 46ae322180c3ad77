"""Rotate the lookup-hash key (docs/security.md, "Rotating QINGLANG_LOOKUP_KEY").

Reads the new key from ``QINGLANG_LOOKUP_KEY_NEXT`` (never from the command line, which other
users of the machine can read), wraps every stored keyed hash in every registered column once
with it, in one transaction, and audits the rotation with the new key's fingerprint; running it
twice with the same key is refused (the hashes would be wrapped twice). Afterwards append the new
key to ``QINGLANG_LOOKUP_KEY`` (``old,new``) and restart every process. Stop writers first.
"""

from __future__ import annotations

import hashlib
import os

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit, crypto
from core.models import AuditEntry
from core.registry import registry


def _fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"qinglang-lookup-fingerprint:" + key).hexdigest()[:16]


class Command(BaseCommand):
    help = "Wrap every stored lookup hash with the key in QINGLANG_LOOKUP_KEY_NEXT (then append it to QINGLANG_LOOKUP_KEY)."

    def handle(self, *args, **options):
        master = os.environ.get("QINGLANG_LOOKUP_KEY_NEXT", "").strip()
        if not master:
            raise CommandError("Set QINGLANG_LOOKUP_KEY_NEXT to the new key (python manage.py generate_field_key).")
        if master in settings.LOOKUP_KEYS:
            raise CommandError("QINGLANG_LOOKUP_KEY_NEXT is already part of QINGLANG_LOOKUP_KEY.")
        key = crypto.lookup_key(master)
        fingerprint = _fingerprint(key)
        if AuditEntry.objects.filter(event="lookup_key.rotated", new__fingerprint=fingerprint).exists():
            raise CommandError("The stored hashes were already wrapped with this key.")
        counts = {}
        with transaction.atomic():
            for label, fields in sorted(registry.lookup_hash_fields.items()):
                counts[label] = self._wrap(apps.get_model(label), sorted(fields), key)
            audit.record("lookup_key.rotated", actor=None, new={"fingerprint": fingerprint, "rows": counts})
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} rows")
        self.stdout.write(self.style.SUCCESS(
            "Done. Now set QINGLANG_LOOKUP_KEY to the old value followed by ,<the new key> and restart every process."))

    @staticmethod
    def _wrap(model, fields: list[str], key: bytes) -> int:
        rows = list(model.objects.select_for_update().only("pk", *fields))
        for row in rows:
            for name in fields:
                value = getattr(row, name)
                if value:
                    setattr(row, name, crypto.rewrap(value, key))
        model.objects.bulk_update(rows, fields, batch_size=1000)
        return len(rows)
