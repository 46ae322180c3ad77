"""Dashboard page latency at scale (issue 16 target: < 300 ms at 1M accounts / 200k cases).

Usage (PostgreSQL): DATABASE_URL=postgres://postgres@127.0.0.1:5432/qinglang_bench_dashboard \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/dashboard.py [--accounts 1000000] \
    [--cases 200000] [--rounds 20]

Seeds what is missing — accounts with ``seed_scale`` (COPY), then review cases, submissions,
measures and complaints by COPY, spread over the last 90 days — and renders the real dashboard
(every tile and chart, the default 30-day range) through Django's test client as a supervisor.
The reference, measured in the same run, is a one-row page: the case list filtered to one case number.
Prints median and p95 of both and their ratio. The charts are live SQL over indexes (no roll-up
table): see docs/dashboard.md.
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
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from moderation.models import Measure, ReviewCase, Submission  # noqa: E402

REASONS = ["registration"] * 40 + ["change"] * 30 + ["strict_review"] * 10 + ["complaint"] * 15 + ["qualification"] * 5
DECISIONS = ["allow"] * 80 + ["review"] * 10 + ["strict_review"] * 3 + ["reject"] * 7
ARTICLES = ["8.4", "8.6", "8.7", "10.2", "8.2", "7"]
KINDS = ["warning"] * 50 + ["correction_order"] * 20 + ["restrict"] * 15 + ["suspend"] * 10 + ["close"] * 5
CATEGORIES = ["8.6", "8.7", "8.2", "impersonation", "personal_info"]


def _copy(model, rows, overrides: dict) -> None:
    """COPY ``rows`` (dicts) into ``model``'s table; columns not given take the field default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.column for f in fields]
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cur, cur.connection.cursor().copy(
            f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:  # noqa: S608 - model names
        for row in rows:
            out = []
            for f in fields:
                value = row[f.attname] if f.attname in row else overrides.get(f.attname, f.get_default())
                if isinstance(f, models.JSONField) and value is not None:
                    value = json.dumps(value, ensure_ascii=False)
                out.append(value)
            copy.write_row(out)


def seed(accounts: int, cases: int) -> None:
    if Account.objects.count() < accounts:
        call_command("seed_scale", accounts=accounts)
    ids = list(Account.objects.order_by("id").values_list("id", "uid")[:100_000])
    users = [bench_user("bench-supervisor", "supervisor")] + [bench_user(f"bench-mod{i}", "moderator") for i in range(6)]
    rng = random.Random(16)  # noqa: S311 - synthetic data
    now = timezone.now()
    todo = cases - ReviewCase.objects.count()
    t0 = time.perf_counter()
    for offset in range(0, max(todo, 0), 50_000):
        _copy(ReviewCase, (_case(rng, now, ids, users) for _ in range(min(50_000, todo - offset))), {})
    if todo > 0:
        print(f"  seeded {todo:,} cases in {time.perf_counter() - t0:.0f} s")
    todo = cases - Submission.objects.count()
    for offset in range(0, max(todo, 0), 50_000):
        _copy(Submission, (_submission(rng, now, offset + i) for i in range(min(50_000, todo - offset))), {})
    todo = cases // 4 - Measure.objects.count()
    if todo > 0:
        _copy(Measure, (_measure(rng, now, ids) for _ in range(todo)), {})
    have = Complaint.objects.count()
    if cases // 10 > have:
        _copy(Complaint, (_complaint(rng, now, have + i) for i in range(cases // 10 - have)), {})
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _when(rng, now, days=90):
    return now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * days))


def _case(rng, now, ids, users):
    created = _when(rng, now)
    account_id, uid = rng.choice(ids)
    decided = created + dt.timedelta(minutes=rng.randrange(5, 60 * 48))
    open_ = decided > now or rng.random() < 0.02
    by = rng.choice(users)
    if open_:  # one open case per subject and reason
        uid, account_id = f"bench-open-{uuid.uuid4().hex[:16]}", None
    return {"subject_uid": uid, "account_id": account_id, "reason": rng.choice(REASONS),
            "status": "open" if open_ else "decided", "due_at": created + dt.timedelta(hours=8),
            "decision": "" if open_ else rng.choice(["approve", "reject"]), "created_at": created,
            "decided_at": None if open_ else decided, "claimed_at": None if open_ else decided - dt.timedelta(minutes=20),
            "decided_by_id": None if open_ else by.pk, "articles": [rng.choice(ARTICLES)],
            "findings": [], "decision_articles": [], "priority": 50}


def _submission(rng, now, i):
    decision = rng.choice(DECISIONS)
    findings = [] if decision == "allow" else [{"article": rng.choice(ARTICLES), "field": "name", "severity": decision}]
    return {"idempotency_key": f"bench-{i}-{rng.random()}", "payload_hash": "x", "kind": "registration",
            "uid": f"bench-sub-{i}", "account_kind": "individual", "decision": decision, "findings": findings,
            "status": "applied" if decision == "allow" else "pending", "created_at": _when(rng, now),
            "info": {}, "context": {}, "identity_details": {}, "response": {}}


def _measure(rng, now, ids):
    created = _when(rng, now)
    return {"account_id": rng.choice(ids)[0], "action": "apply", "kind": rng.choice(KINDS), "state": "active",
            "legal_basis": [rng.choice(ARTICLES)], "reason": "bench", "issued_by_label": "bench",
            "created_at": created, "effective_from": created, "functions": [], "evidence": {}}


def _complaint(rng, now, i):
    received = _when(rng, now)
    closed = received + dt.timedelta(days=rng.randrange(1, 10))
    return {"tracking_code": f"B{i:09d}", "category": rng.choice(CATEGORIES), "source": "web", "target_text": "x",
            "target_key": "x", "description": "bench", "received_at": received,
            "closed_at": closed if closed < now else None, "status": "closed" if closed < now else "handling",
            "accept_due_at": received + dt.timedelta(days=2), "feedback_due_at": received + dt.timedelta(days=15),
            "accept_on_time": rng.random() < 0.9, "feedback_on_time": rng.random() < 0.8 if closed < now else None}


def bench_user(name: str, role: str) -> User:
    user, _ = User.objects.get_or_create(username=name)
    user.groups.add(Group.objects.get(name=role))
    return user


def timed(client, url: str, rounds: int) -> list[float]:
    assert client.get(url).status_code == 200  # warm
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    seed(args.accounts, args.cases)
    client = Client()
    client.force_login(User.objects.get(username="bench-supervisor"))
    one = ReviewCase.objects.order_by("id").values_list("pk", flat=True).first()
    print(f"dashboard at {Account.objects.count():,} accounts, {ReviewCase.objects.count():,} cases, "
          f"{Submission.objects.count():,} submissions, {Measure.objects.count():,} measures, "
          f"{Complaint.objects.count():,} complaints; {args.rounds} rounds")
    from django.conf import settings

    results = {}
    ninety = f"/?start={timezone.localdate() - dt.timedelta(days=89)}"
    runs = (("reference: one-row case list", f"/moderation/cases/?status=all&q={one}", 0),
            ("dashboard, 30 days, cold (no cache)", "/", 0), ("dashboard, 90 days, cold (no cache)", ninety, 0),
            ("dashboard, 30 days, charts cached", "/", 120))
    for label, url, seconds in runs:
        settings.DASHBOARD_CHART_CACHE_SECONDS = seconds
        times = timed(client, url, args.rounds)
        results[label] = statistics.median(times)
        print(f"  {label:<38} median {statistics.median(times):7.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:7.1f} ms")
    ref = results["reference: one-row case list"]
    for label, _url, _seconds in runs[1:]:
        print(f"  {label} / reference = {results[label] / ref:.1f}x   (target < 300 ms)")

if __name__ == "__main__":
    main()
