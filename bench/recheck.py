"""Recheck throughput (issue 12 target: 1,000,000 accounts with 2 RQ workers in ≤ 5 min, worker RSS
< 300 MB).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench REDIS_URL=redis://127.0.0.1:6379/8 \
    .venv/bin/python bench/recheck.py --accounts 1000000 --workers 2

Seeds what is missing by COPY (accounts ``rb-…`` with one mobile identity each; one in a
thousand carries contact details in its name, so cases are opened as in real life), then runs a
full recheck (scope ``all``) with W real ``rqworker`` processes, sampling their RSS (work horses
included). Before the run it times one chunk's phases in this process (database read, rules,
writes; rolled back) to say where the time goes. The last line is
``recheck: <N> accounts in <S> s, <R> accounts/s, peak worker RSS <M> MB``.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.identity import validate_mobile  # noqa: E402
from accounts.models import Account  # noqa: E402
from core import crypto  # noqa: E402
from rechecks import conf  # noqa: E402
from rechecks.models import RecheckChunk, RecheckRun  # noqa: E402

COLUMNS = ("uid", "kind", "is_public_account", "status", "name", "avatar", "cover", "bio", "signature",
           "certification", "profession", "org_name", "org_nature", "org_business_scope", "org_industry", "org_uscc",
           "operator_name", "operator_address", "content_category", "uscc", "contact", "ip_location", "ip_province",
           "credit_score", "info_version", "name_key", "created_at", "updated_at")
NICK = ["晴天", "小鹿", "青山", "大海", "读书", "跑步", "咖啡", "旅行", "摄影", "美食", "星空", "猫咪"]


def seed(n: int) -> None:
    have = Account.objects.filter(uid__startswith="rb-").count()
    if have >= n:
        return
    ident = validate_mobile("13800138000")
    encrypted, masked = crypto.encrypt(ident.number), ident.masked
    now, t0 = timezone.now(), time.perf_counter()
    for start in range(have, n, 100_000):
        count = min(100_000, n - start)
        with transaction.atomic(), connection.cursor() as cur:
            with cur.connection.cursor().copy(f"COPY accounts_account ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # noqa: S608
                for i in range(start, start + count):
                    name = (f"加微信abc{i}" if i % 1000 == 999 else f"{NICK[i % 12]}{NICK[(i // 12) % 12]}{i}")
                    copy.write_row((f"rb-{i:08d}", "individual", False, "active", name, "", "", "分享日常生活与读书笔记",
                                    "", "", "", "", "", "", "", "", "", "", "", "", "", "未知", "", 100, 1, name, now, now))
            cur.execute("""INSERT INTO accounts_identityverification
                             (account_id, method, number_encrypted, number_hash, masked, details, org_class, verified_at)
                           SELECT id, 'mobile', %s, 'rb' || id, %s, '{}', '', %s FROM accounts_account a
                            WHERE uid LIKE 'rb-%%' AND NOT EXISTS
                                  (SELECT 1 FROM accounts_identityverification i WHERE i.account_id = a.id)""",
                        [encrypted, masked, now])
        print(f"seeded {start + count - have}/{n - have} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE accounts_account; ANALYZE accounts_identityverification")


def phases(size: int) -> dict:
    """One chunk's phases timed in this process, rolled back: where the time goes."""
    from rechecks.services import checks, chunks

    lo = Account.objects.order_by("id").values_list("id", flat=True).first()
    run = RecheckRun(pk=0, scope="all")
    chunk = RecheckChunk(run=run, lo=lo, hi=lo + size - 1)
    out = {}
    with transaction.atomic():
        checks.check_batch(chunks._rows(chunk)[:50])  # compile the engine outside the timing
        t = time.perf_counter()
        rows = chunks._rows(chunk)
        out["read"] = time.perf_counter() - t
        t = time.perf_counter()
        results, ruleset = checks.check_batch(rows)
        out["checks"] = time.perf_counter() - t
        t = time.perf_counter()
        Account.objects.filter(pk__in=[r["id"] for r in rows]).update(last_rechecked_at=timezone.now(),
                                                                     last_recheck_ruleset=ruleset)
        out["write"] = time.perf_counter() - t
        out["n"] = len(rows)
        transaction.set_rollback(True)
    return out


def rss_mb(pids) -> float:
    """The largest RSS among the workers and their work horses."""
    peak = 0
    wanted = set(pids)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) in wanted or int(fields.get("PPid", "0").strip()) in wanted:
            peak = max(peak, int(fields.get("VmRSS", "0 kB").split()[0]))
    return peak / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=None, help="accounts per chunk (default: the setting)")
    parser.add_argument("--log-prefix", default="/tmp/recheck-bench-worker-", help="worker logs go to PREFIX<i>.log")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed(args.accounts)
    RecheckRun.objects.filter(status__in=["running", "paused"]).update(status="cancelled")
    import django_rq

    django_rq.get_queue(conf.get("queue")).empty()
    p = phases(conf.get("chunk_size"))
    print(f"one chunk of {p['n']}: read {p['read'] * 1000:.0f} ms, checks {p['checks'] * 1000:.0f} ms, "
          f"writes {p['write'] * 1000:.0f} ms", file=sys.stderr)
    env = {**os.environ, "QINGLANG_JOBS_SYNC": "0"}
    logs = [open(f"{args.log_prefix}{i}.log", "wb") for i in range(args.workers)]  # noqa: SIM115
    workers = [subprocess.Popen([sys.executable, "manage.py", "rqworker", conf.get("queue")],  # noqa: S603
                                cwd=_HERE.parent, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    peak = 0.0
    try:
        from rq import Worker

        deadline = time.monotonic() + 300  # the clock starts once the workers listen (Django imported)
        while len(Worker.all(queue=django_rq.get_queue(conf.get("queue")))) < args.workers:
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not start")
            time.sleep(0.5)
        from rechecks.services.runs import plan, recheck_start

        if args.chunk_size:
            settings.QINGLANG_RECHECKS = {**getattr(settings, "QINGLANG_RECHECKS", {}), "chunk_size": args.chunk_size}
        t0 = time.perf_counter()
        with transaction.atomic():  # planned here (with this chunk size); the queued plan job finds it done
            run = plan(recheck_start(actor=None, scope="all", note="bench"))
        while True:
            time.sleep(1)
            peak = max(peak, rss_mb([w.pid for w in workers]))
            run.refresh_from_db()
            if not run.is_active:
                break
            print(f"{time.perf_counter() - t0:.0f} s: {run.checked}/{run.total}", file=sys.stderr)
        elapsed = time.perf_counter() - t0
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(60)
    load = os.getloadavg()
    print(f"run #{run.pk} {run.status}: {run.checked} checked, {run.clean} clean, {run.flagged} flagged, "
          f"{run.errors} errors, {run.cases_opened} cases; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"per {p['n']}-account chunk: read {p['read']:.2f} s, checks {p['checks']:.2f} s, writes {p['write']:.2f} s")
    print(f"recheck: {run.checked} accounts in {elapsed:.1f} s, {run.checked / elapsed:.0f} accounts/s, "
          f"peak worker RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
