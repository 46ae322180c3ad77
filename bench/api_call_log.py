"""What the API call log's batching saves (core/apicalls.py): registrations through Django's full
stack with every call committed on its own (``API_CALL_BATCH_ROWS=1``) against batches of 50,
and the bare log write per call both ways, in alternating blocks of one process.

Usage (PostgreSQL): DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench \
    .venv/bin/python bench/api_call_log.py [--rounds 5] [--registrations 60] [--writes 300]

Prints the median per block and the ratio per-call / batched (the reference is the batched run
measured in the same process, so a loaded machine shifts both alike).
"""

import sys
from pathlib import Path

# bench/queue.py is named like the stdlib's ``queue``: keep this folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import apicalls  # noqa: E402
from core.apiauth import api_client_create  # noqa: E402

NAMES = ["爱跑步的土豆", "成都美食探店", "晚安小猫", "周末骑行", "半糖奶茶"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--registrations", type=int, default=60)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    api_client, token = api_client_create(actor=None, name=f"bench-log-{uuid.uuid4().hex[:8]}", scopes=["*"])
    web = Client(headers={"Authorization": f"Bearer {token}"})
    run = uuid.uuid4().hex[:8]
    counter = itertools.count()

    def registrations(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            i = next(counter)
            body = {"idempotency_key": f"log-{run}-{i}", "kind": "registration", "uid": f"log-{run}-{i}",
                    "info": {"name": f"{NAMES[i % len(NAMES)]}{i}", "bio": "记录生活"},
                    "identity": {"method": "mobile", "number": f"13{i % 9 + 1}{(int(run, 16) + i) % 10**8:08d}"}}
            response = web.post("/api/v1/submissions", json.dumps(body), content_type="application/json")
            assert response.status_code in (200, 201), response.status_code
        apicalls.flush()
        return (time.perf_counter() - started) / n * 1000

    def writes(n: int) -> float:
        now = timezone.now()
        started = time.perf_counter()
        for _ in range(n):
            apicalls.log_call(client_id=api_client.pk, created_at=now, method="GET", path="/api/v1/bench",
                              status=200, duration_ms=1, request_id="bench")
        apicalls.flush()
        return (time.perf_counter() - started) / n * 1000

    settings.API_CALL_BATCH_SECONDS = 60  # only the row count decides within a block
    registrations(30)  # warm the rules engine and the caches
    figures: dict[tuple[str, int], list[float]] = {}
    for _ in range(args.rounds):
        for rows in (1, 50):
            settings.API_CALL_BATCH_ROWS = rows
            figures.setdefault(("registration", rows), []).append(registrations(args.registrations))
            figures.setdefault(("log write", rows), []).append(writes(args.writes))
    for what in ("registration", "log write"):
        each, batched = (statistics.median(figures[(what, rows)]) for rows in (1, 50))
        print(f"{what}: {each:.2f} ms per call committed on its own, {batched:.2f} ms in batches of 50 "
              f"(ratio {each / batched:.2f}; blocks {[round(x, 1) for x in figures[(what, 1)]]} vs "
              f"{[round(x, 1) for x in figures[(what, 50)]]})")


if __name__ == "__main__":
    main()
