"""Account list page latency at scale (issue 2 target: p95 < 150 ms with a filter at 1M accounts).

Usage (PostgreSQL): DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench \
    .venv/bin/python bench/accounts_list.py [--accounts 1000000] [--rounds 40]

Seeds with ``seed_scale`` if there are fewer accounts than asked, then renders the real page
(middleware, filters, table, template) through Django's test client as a moderator, and prints
median and p95 per filter.
"""

import sys
from pathlib import Path

# bench/queue.py is named like the stdlib's ``queue``: keep this folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Account  # noqa: E402

FILTERS = [
    "",
    "?status=suspended",
    "?status=banned",
    "?kind=organization",
    "?is_public_account=true",
    "?ip_province=江苏",
    "?credit_band=low",
    "?has_qualification=true",
    "?q=成都",
    "?q=scale-00500000",
    "?status=restricted&ip_province=广东",
    "?kind=organization&credit_band=fair",
    "?page=50",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    if Account.objects.count() < args.accounts:
        call_command("seed_scale", accounts=args.accounts)
    user, _ = User.objects.get_or_create(username="bench-moderator")
    user.groups.add(Group.objects.get(name="moderator"))
    client = Client()
    client.force_login(user)
    print(f"account list page at {Account.objects.count():,} accounts, {args.rounds} rounds per filter")
    all_times = []
    filtered = []
    for query in FILTERS:
        client.get("/accounts/" + query)  # warm
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            r = client.get("/accounts/" + query)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.status_code
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        all_times += times
        if query:
            filtered += times
        print(f"  {query or '(no filter)':<40} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
    for label, values in (("all", all_times), ("with a filter", filtered)):
        values.sort()
        print(f"overall {label:<14} median {statistics.median(values):7.1f} ms   p95 {values[int(len(values) * 0.95) - 1]:7.1f} ms"
              "   (target p95 < 150 ms)")


if __name__ == "__main__":
    main()
