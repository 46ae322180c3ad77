"""Complaints at scale (issue 5): public intake requests/second end to end, and the complaint
queue page p95 at 100k complaints (target < 150 ms).

Usage (PostgreSQL; Redis optional):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench_complaints \
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/complaints.py \
        [--requests 2000] [--clients 8] [--workers 2] [--complaints 100000] [--rounds 40]

1. Starts granian (``--workers`` WSGI worker processes, one request thread each) on 127.0.0.1 with a settings module written to a
   temporary directory (``config.settings`` plus: challenge off, rate limits raised) and drives the real public form over HTTP from
   ``--clients`` threads: GET the form for the CSRF cookie once per client, then POST complaints
   (form-encoded, no image) for a bounded number of requests. Every response is checked for a
   tracking code. Prints requests/second and latency.
2. Tops the database up to ``--complaints`` complaints with bulk inserts (spread over statuses,
   categories, deadlines, assignees), ANALYZEs, and renders the queue page through Django's test
   client as a moderator for a set of filters, printing median and p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a queue.py that would shadow the standard library's queue module
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qinglang_bench_complaints")


def ensure_database(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account  # noqa: E402
from complaints.choices import ComplaintCategory, ComplaintStatus  # noqa: E402
from complaints.models import Complaint  # noqa: E402

CATEGORIES = [c.value for c in ComplaintCategory]
N_ACCOUNTS = 2000
DESCRIPTIONS = ["该账号冒充政府机关，头像使用国徽。", "简介里有微信号和二维码引流。", "名称使用“新闻”字样但并非新闻单位。",
                "冒用我的姓名和照片注册。", "签名含有夸大宣传内容，可能使公众受骗。"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)]


def ensure_accounts() -> list[str]:
    have = Account.objects.filter(uid__startswith="cb-").count()
    if have < N_ACCOUNTS:
        Account.objects.bulk_create([Account(uid=f"cb-{i:05d}", name=f"被投诉账号{i}", name_key=f"被投诉账号{i}")
                                     for i in range(have, N_ACCOUNTS)], batch_size=1000, ignore_conflicts=True)
    return [f"cb-{i:05d}" for i in range(N_ACCOUNTS)]


# ---------------------------------------------------------------------------------------------
# 1. Intake over HTTP


BENCH_SETTINGS = """from config.settings import *  # noqa: F403

COMPLAINTS_CHALLENGE = False  # bench only: measure intake, not people doing sums
COMPLAINTS_RATE_LIMITS = {"ip": [(10**9, 60)], "target": [(10**9, 60)], "status_ip": [(10**9, 60)]}
DEBUG = False
"""


def start_server(port: int, workers: int) -> subprocess.Popen:
    settings_dir = Path(tempfile.mkdtemp(prefix="qinglang-bench-"))
    (settings_dir / "complaints_bench_settings.py").write_text(BENCH_SETTINGS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "complaints_bench_settings",
           "PYTHONPATH": f"{settings_dir}:{ROOT}", "QINGLANG_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(  # noqa: S603 - our own venv binary
        [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "config.wsgi:application", "--workers", str(workers),
         "--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("granian did not start")


def intake(port: int, total: int, clients: int, uids: list[str]) -> dict:
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - bench data
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/complaints/public/")
        response = conn.getresponse()
        response.read()
        token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={token}"}
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token, "category": rng.choice(CATEGORIES),
                "target": rng.choice(uids) if i % 10 else f"https://example.com/u/unknown-{i}",
                "description": rng.choice(DESCRIPTIONS), "contact": f"139{rng.randrange(10**8):08d}" if i % 3 == 0 else "",
            })
            t0 = time.perf_counter()
            conn.request("POST", "/complaints/public/", body=body, headers=headers)
            response = conn.getresponse()
            html = response.read().decode()
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200 or "tracking-code" not in html:
                    errors.append(f"{response.status}")

    before = Complaint.objects.count()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    created = Complaint.objects.count() - before
    return {"requests": len(latencies), "seconds": seconds, "rps": len(latencies) / seconds, "errors": len(errors),
            "created": created, "median": statistics.median(latencies), "p95": pct(latencies, 0.95)}


# ---------------------------------------------------------------------------------------------
# 2. Queue page at scale

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def top_up(total: int, uids: list[str], staff: list[User]) -> None:
    missing = total - Complaint.objects.count()
    if missing <= 0:
        return
    rng = random.Random(5)  # noqa: S311 - bench data
    accounts = dict(Account.objects.filter(uid__in=uids).values_list("uid", "id"))
    now = timezone.now()
    statuses = [ComplaintStatus.CLOSED] * 45 + [ComplaintStatus.FEEDBACK_SENT] * 10 + [ComplaintStatus.RECEIVED] * 15 + [ComplaintStatus.ACCEPTED] * 8 + \
        [ComplaintStatus.SCREENING] * 7 + [ComplaintStatus.HANDLING] * 8 + [ComplaintStatus.REJECTED] * 3 + [ComplaintStatus.MERGED] * 2 + [ComplaintStatus.WAITING] * 2
    t0 = time.perf_counter()
    batch = []
    for i in range(missing):
        status = rng.choice(statuses)
        received = now - dt.timedelta(minutes=rng.randrange(60 * 24 * 120))
        accept_due = received + dt.timedelta(days=1)
        feedback_due = received + dt.timedelta(days=21)
        uid = rng.choice(uids)
        open_ = status in (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.SCREENING, ComplaintStatus.HANDLING)
        next_due = (accept_due if status == ComplaintStatus.RECEIVED else feedback_due) if open_ else None
        code = "".join(rng.choice(_ALPHABET) for _ in range(12))
        batch.append(Complaint(
            tracking_code=f"QL-{code[:4]}-{code[4:8]}-{code[8:]}", category=rng.choice(CATEGORIES),
            source="web" if i % 2 else "api", account_id=accounts[uid], target_text=uid, target_key=uid,
            description=rng.choice(DESCRIPTIONS), status=status, received_at=received,
            accept_due_at=accept_due, feedback_due_at=feedback_due, next_due_at=next_due,
            sla_flag="overdue" if next_due and next_due < now else "ok",
            assignee=rng.choice(staff) if open_ and rng.random() < 0.4 else None,
            deprioritised=rng.random() < 0.02,
        ))
        if len(batch) == 5000:
            Complaint.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Complaint.objects.bulk_create(batch, ignore_conflicts=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE complaints_complaint")
    print(f"  bulk-created {missing:,} complaints in {time.perf_counter() - t0:.1f} s")


def queue(rounds: int, user: User, sample_code: str) -> None:
    client = Client()
    client.force_login(user)
    filters = ["", "?status=received", "?status=handling&category=8.2", "?overdue=true", "?due=soon", "?due=week",
               "?category=8.6", "?assignee=null", f"?assignee={user.pk}", "?target=cb-00042",
               f"?q={sample_code}", "?flag=overdue", "?sort=-received", "?page=50"]
    all_times: list[float] = []
    for query in filters:
        client.get("/complaints/" + query)  # warm
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            r = client.get("/complaints/" + query)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.status_code
        all_times += times
        print(f"  {query or '(no filter)':<40} median {statistics.median(times):7.1f} ms   p95 {pct(times, 0.95):7.1f} ms")
    print(f"  {'ALL':<40} median {statistics.median(all_times):7.1f} ms   p95 {pct(all_times, 0.95):7.1f} ms"
          f"   (target p95 < 150 ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    uids = ensure_accounts()
    staff = []
    for name in ("bench-moderator", "bench-moderator2"):
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(Group.objects.get(name="moderator"))
        staff.append(user)

    print(f"1. public intake over HTTP: granian {args.workers} workers, {args.clients} clients, "
          f"{args.requests} POSTs (challenge off, rate limits raised; cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory'})")
    server = start_server(args.port, args.workers)
    try:
        intake(args.port, min(50, args.requests), args.clients, uids)  # warm the workers
        result = intake(args.port, args.requests, args.clients, uids)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    print(f"  {result['requests']} requests in {result['seconds']:.1f} s = {result['rps']:.0f} complaints/s   "
          f"median {result['median']:.1f} ms   p95 {result['p95']:.1f} ms   errors {result['errors']}   "
          f"rows created {result['created']}")

    print(f"2. complaint queue page at {args.complaints:,} complaints ({args.rounds} rounds per filter, Django test client)")
    top_up(args.complaints, uids, staff)
    print(f"  complaints in the table: {Complaint.objects.count():,}")
    sample = Complaint.objects.order_by("?").values_list("tracking_code", flat=True).first() or secrets.token_hex(4)
    queue(args.rounds, staff[0], sample)


if __name__ == "__main__":
    main()
