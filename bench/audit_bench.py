"""Audit write throughput (core/audit.py): transactions of one and of five entries, on one
connection and on four threads, against a plain INSERT of the same row as the reference.

Usage (PostgreSQL): DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench \
    .venv/bin/python bench/audit_bench.py [--rounds 5] [--transactions 300]

Migrates the database first. Prints entries per second (median of the rounds) per case and the
ratio to the plain INSERT measured in the same process (a loaded machine shifts both alike).
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from core import audit  # noqa: E402

PLAIN = ("INSERT INTO bench_plain (created_at, event, new) VALUES (now(), %s, %s::jsonb)")


def _audited(transactions: int, per: int) -> int:
    for i in range(transactions):
        with transaction.atomic():
            for j in range(per):
                audit.record("bench.entry", actor=None, new={"i": i, "j": j, "text": "基准测试"})
    return transactions * per


def _plain(transactions: int, per: int) -> int:
    for i in range(transactions):
        with transaction.atomic(), connection.cursor() as cur:
            for j in range(per):
                cur.execute(PLAIN, ["bench.entry", f'{{"i": {i}, "j": {j}, "text": "基准测试"}}'])
    return transactions * per


def _threads(fn, n: int, transactions: int, per: int) -> int:
    def run():
        try:
            fn(transactions, per)
        finally:
            connections.close_all()
    workers = [threading.Thread(target=run) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return n * transactions * per


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--transactions", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_plain (id bigserial PRIMARY KEY, created_at timestamptz,"
                    " event varchar(80), new jsonb)")
    cases = {
        "1 entry/txn, 1 connection": lambda f: f(args.transactions, 1),
        "5 entries/txn, 1 connection": lambda f: f(args.transactions // 5, 5),
        "1 entry/txn, 4 threads": lambda f: _threads(f, 4, args.transactions // 4, 1),
    }
    for name, case in cases.items():
        rates = {"audit": [], "plain": []}
        for _ in range(args.rounds):
            for label, fn in (("audit", _audited), ("plain", _plain)):
                started = time.perf_counter()
                n = case(fn)
                rates[label].append(n / (time.perf_counter() - started))
        a, p = statistics.median(rates["audit"]), statistics.median(rates["plain"])
        print(f"{name:<30} audit {a:8.0f}/s   plain INSERT {p:8.0f}/s   ratio {a / p:.2f}")
    print("verify:", audit.verify_chain()[1] is None)


if __name__ == "__main__":
    main()
