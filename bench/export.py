"""Export speed and memory at scale (issue 13 targets at 1,000,000 measures: CSV < 60 s,
XLSX < 180 s, peak RSS < 300 MB).

Usage (PostgreSQL): DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench \
    .venv/bin/python bench/export.py --rows 1000000

Seeds measures if the database has fewer (accounts with ``seed_scale``, then measures by COPY),
then exports every measure as CSV and as XLSX through the code the pages and the export job use
(``reports.exporting``: the list's selector, FilterSet, values_list through a server-side
cursor, the same formatting and writers), each in a fresh child process so its peak RSS is its
own. The reference, measured in the same run, is PostgreSQL writing the same rows and columns
itself: ``COPY (SELECT …) TO STDOUT`` read by psycopg into a file.
"""

import sys
from pathlib import Path

# bench/queue.py is named like the stdlib's ``queue``: keep this folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account  # noqa: E402
from moderation.models import Measure  # noqa: E402

MEASURE_COLUMNS = ("account_id", "action", "kind", "state", "functions", "legal_basis", "reason", "evidence",
                   "issued_by_label", "reportable", "created_at", "effective_from", "expires_at")
KINDS = ["warning"] * 50 + ["correction_order"] * 20 + ["restrict"] * 15 + ["suspend"] * 10 + ["close"] * 4 + [
    "ban_reregistration"]
REASONS = ["名称含联系方式，引流", "冒用新闻媒体名称", "简介含二维码链接", "名不副实，夸大其词", "=HYPERLINK 样式的名称",
           "多次违规，限期改正未果", "假冒党政机关名称", "备注：致电 13800138000 核实"]
REFERENCE_SQL = """
COPY (SELECT m.id, a.uid, a.name, m.action, m.kind, m.state, m.legal_basis, m.reason, m.functions,
             m.issued_by_label, u.username, m.reportable, m.effective_from AT TIME ZONE 'Asia/Shanghai',
             m.expires_at AT TIME ZONE 'Asia/Shanghai', m.ended_at AT TIME ZONE 'Asia/Shanghai',
             m.created_at AT TIME ZONE 'Asia/Shanghai', m.case_id, m.lifts_id
      FROM moderation_measure m JOIN accounts_account a ON a.id = m.account_id
      LEFT JOIN auth_user u ON u.id = m.approved_by_id ORDER BY m.id DESC) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def seed(rows: int) -> None:
    have = Measure.objects.count()
    if have >= rows:
        return
    accounts = max(1, rows // 10)
    if Account.objects.filter(uid__startswith="scale-").count() < accounts:
        call_command("seed_scale", accounts=accounts)
    ids = list(Account.objects.filter(uid__startswith="scale-").order_by("id").values_list("id", flat=True)[:accounts])
    rng = random.Random(13)  # noqa: S311 - synthetic data
    now = timezone.now()
    todo, t0 = rows - have, time.perf_counter()
    chunk = 100_000
    for offset in range(0, todo, chunk):
        n = min(chunk, todo - offset)
        with transaction.atomic(), connection.cursor() as cur, cur.connection.cursor().copy(
                f"COPY moderation_measure ({', '.join(MEASURE_COLUMNS)}) FROM STDIN") as copy:  # noqa: S608
            for i in range(n):
                kind = rng.choice(KINDS)
                when = now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
                copy.write_row((ids[(offset + i) % len(ids)], "apply", kind, "active",
                                json.dumps(["post"] if kind == "restrict" else []),
                                json.dumps(rng.sample(["8.2", "8.4", "8.6", "8.7", "10.2", "17"], rng.randint(1, 2))),
                                rng.choice(REASONS), "{}", rng.choice(["moderator", "supervisor", "system"]),
                                kind in ("suspend", "close", "ban_reregistration"), when, when,
                                when + dt.timedelta(days=7) if kind == "correction_order" else None))
        sys.stderr.write(f"\r{offset + n}/{todo} measures")
    with connection.cursor() as cur:
        cur.execute("ANALYZE moderation_measure")
    sys.stderr.write(f"\nseeded {todo} measures in {time.perf_counter() - t0:.0f}s\n")


def bench_user() -> User:
    call_command("migrate", verbosity=0)  # post_migrate syncs the roles
    user, _ = User.objects.get_or_create(username="bench-supervisor")
    user.groups.add(Group.objects.get(name="supervisor"))
    return user


def reference(path: str) -> tuple[float, int]:
    t0 = time.perf_counter()  # PostgreSQL does the work here: wall time, not this process's CPU
    rows = -1  # the header line
    with open(path, "wb") as out, connection.cursor() as cur, cur.connection.cursor().copy(REFERENCE_SQL) as copy:
        for data in copy:
            out.write(data)
            rows += bytes(data).count(b"\n")
    return time.perf_counter() - t0, rows


def child(fmt: str, path: str) -> None:
    """One export in this (fresh) process; prints JSON with seconds, rows and peak RSS."""
    from reports import exporting

    user = User.objects.get(username="bench-supervisor")
    tbl = exporting.table(exporting.get_spec("moderation.measures"), user, {})
    t0, c0 = time.perf_counter(), time.process_time()
    if fmt == "csv":
        with open(path, "wb") as out:
            rows, _digest, _size = exporting.write_csv(tbl, out)
    else:
        rows = exporting.write_xlsx(tbl, path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mb": peak_mb,
                      "bytes": os.path.getsize(path)}))


def run_child(fmt: str, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", fmt, "--out", path], check=True, capture_output=True,
                         text=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["csv", "xlsx"])
    parser.add_argument("--out")
    parser.add_argument("--seed-only", action="store_true", help="only make sure the measures exist")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    if args.child:
        child(args.child, args.out)
        return
    bench_user()
    seed(args.rows)
    if args.seed_only:
        return
    rows = Measure.objects.count()
    print(f"load before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        ref_seconds, ref_rows = reference(os.path.join(tmp, "reference.csv"))
        ref_bytes = os.path.getsize(os.path.join(tmp, "reference.csv"))
        print(f"reference COPY … TO STDOUT: {ref_rows} rows, {ref_seconds:.1f} s, {ref_bytes / 1e6:.0f} MB")
        csv = run_child("csv", os.path.join(tmp, "export.csv"))
        print(f"csv:  {csv['rows']} rows, {csv['seconds']:.1f} s (CPU {csv['cpu']:.1f} s), {csv['bytes'] / 1e6:.0f} MB, "
              f"peak RSS {csv['peak_mb']:.0f} MB, {csv['seconds'] / ref_seconds:.1f}× the reference")
        xlsx = run_child("xlsx", os.path.join(tmp, "export.xlsx"))
        print(f"xlsx: {xlsx['rows']} rows, {xlsx['seconds']:.1f} s (CPU {xlsx['cpu']:.1f} s), "
              f"{xlsx['bytes'] / 1e6:.0f} MB, peak RSS {xlsx['peak_mb']:.0f} MB, "
              f"{xlsx['seconds'] / ref_seconds:.1f}× the reference")
    assert csv["rows"] == xlsx["rows"] == ref_rows == rows, (csv["rows"], xlsx["rows"], ref_rows, rows)
    print(f"export: {rows} rows, csv {csv['seconds']:.1f} s, xlsx {xlsx['seconds']:.1f} s, "
          f"peak RSS {max(csv['peak_mb'], xlsx['peak_mb']):.0f} MB")


if __name__ == "__main__":
    main()
