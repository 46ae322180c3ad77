"""Bulk accounts for benchmarks: ``seed_scale --accounts 1000000`` in about a minute on PostgreSQL.

Uses COPY on PostgreSQL (bulk_create elsewhere). Rows are synthetic and marked with the uid
prefix ``scale-``; no identities or versions are created (benchmarks measure the registry pages).
"""

import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import CITIES, NICK_A, NICK_B, TOPICS
from accounts.filtersets import PROVINCES
from accounts.models import Account
from core.audit import record

COLUMNS = ("uid", "kind", "is_public_account", "status", "name", "avatar", "cover", "bio", "signature",
           "certification", "profession", "org_name", "org_nature", "org_business_scope", "org_industry", "org_uscc",
           "operator_name", "operator_address", "content_category", "uscc", "contact", "ip_location", "ip_province",
           "credit_score", "info_version", "name_key", "created_at", "updated_at")
STATUSES = ["active"] * 90 + ["restricted"] * 4 + ["suspended"] * 3 + ["closed"] * 2 + ["banned"]


def _rows(start: int, count: int, rng: random.Random, now):
    for i in range(start, start + count):
        name = rng.choice(NICK_A) + rng.choice(NICK_B) if i % 3 else f"{rng.choice(CITIES)}{rng.choice(TOPICS)}{i % 997}"
        province = rng.choice(PROVINCES) if i % 10 else ""
        org = i % 12 == 0
        yield (f"scale-{i:08d}", "organization" if org else "individual", org and i % 24 == 0, rng.choice(STATUSES),
               name, "", "", "分享生活", "", "", "", "", "", "", "", "", "", "", "", "", "",
               province or "未知", province, max(0, min(100, int(rng.gauss(90, 12)))), 1, name.lower(), now, now)


class Command(BaseCommand):
    help = "Create many synthetic accounts quickly (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, accounts: int, seed: int, **options):
        rng = random.Random(seed)  # noqa: S311 - synthetic data
        start = Account.objects.filter(uid__startswith="scale-").count()
        todo = max(0, accounts - start)
        t0 = time.perf_counter()
        now = timezone.now()
        chunk = 100_000
        for offset in range(start, start + todo, chunk):
            n = min(chunk, start + todo - offset)
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cur, cur.connection.cursor().copy(
                        f"COPY accounts_account ({', '.join(COLUMNS)}) FROM STDIN"  # noqa: S608
                    ) as copy:
                        for row in _rows(offset, n, rng, now):
                            copy.write_row(row)
                else:
                    Account.objects.bulk_create(
                        [Account(**dict(zip(COLUMNS, row, strict=True))) for row in _rows(offset, n, rng, now)],
                        batch_size=5000,
                    )
                record("accounts.seeded", actor=None, subject=None, new={"from": offset, "count": n})
            self.stderr.write(f"\r{offset + n - start}/{todo} accounts", ending="")
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE accounts_account")
        self.stderr.write("")
        self.stdout.write(f"seed_scale: {todo} accounts added in {time.perf_counter() - t0:.1f}s "
                          f"({start + todo} scale accounts in total)")
