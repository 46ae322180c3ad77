"""Redis outage drill (issue 18): the server starts with Redis unreachable, takes 200
registrations, moderators decide the cases they open and warn some accounts, then Redis comes
back (without restarting the server) and every notice and job goes out exactly once.

Usage: .venv/bin/python scripts/redis_drill.py [--registrations 200] [--redis-db 11]

It uses its own database (``qinglang_drill_redis``, dropped and created) and one Redis database
number. Redis is reached through a small TCP relay on --relay-port that the drill keeps closed
(connection refused) during the outage and opens to the real Redis afterwards: the web server
keeps running and notices on its own. The worker and rqcron are started once Redis is back, as a
process supervisor would restart them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--registrations", type=int, default=200)
    p.add_argument("--reviews", type=int, default=50, help="how many of them claim a profession (a review case)")
    p.add_argument("--warnings", type=int, default=20, help="accounts warned during the outage")
    p.add_argument("--database", default="qinglang_drill_redis")
    p.add_argument("--redis-db", type=int, default=11)
    p.add_argument("--relay-port", type=int, default=6391)
    p.add_argument("--port", type=int, default=8791)
    return p.parse_args()


class Relay:
    """A TCP relay to the real Redis that can be closed (nothing listens: connection refused)."""

    def __init__(self, port: int, target=("127.0.0.1", 6379)):
        self.port, self.target, self.server, self.socks = port, target, None, []

    def open(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.socks += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Receiver:
    """The platform's webhook endpoint: counts each event id it is sent."""

    def __init__(self):
        self.hits: Counter = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.hits[self.headers.get("webhook-id")] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


def say(msg: str):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def http(method, url, body=None, token=""):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=180) as r:  # noqa: S310 - our own server
            status, payload = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, payload = e.code, e.read()
    return status, json.loads(payload or b"{}"), (time.monotonic() - started) * 1000


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


def main():
    args = parse()
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
           "REDIS_URL": f"redis://127.0.0.1:{args.relay_port}/{args.redis_db}", "DJANGO_DEBUG": "0",
           "QINGLANG_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32", "QINGLANG_JOBS_SYNC": "0",
           "QINGLANG_VAR_DIR": f"/tmp/{args.database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    os.environ.update(env)
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {args.database}"],
                   check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis

    redis.Redis(port=6379, db=args.redis_db).flushdb()  # the drill's own Redis database number
    run(args, env)


def run(args, env):
    from django.contrib.auth.models import Group, User

    from core import roles
    from core.clients import api_client_create
    from core.models import PendingJob, WebhookDelivery, WebhookEvent
    from moderation import services
    from moderation.choices import MeasureKind
    from moderation.models import ReviewCase

    receiver = Receiver()
    client, token = api_client_create(actor=None, name="drill-platform", scopes=["*"], webhook_url=receiver.url)
    roles.sync_roles()
    moderator = User.objects.create_user("drill-moderator", password="x" * 12)  # noqa: S106
    moderator.groups.add(Group.objects.get(name=roles.MODERATOR))
    relay, procs = Relay(args.relay_port), []
    base = f"http://127.0.0.1:{args.port}"
    try:
        say(f"Redis relay on :{args.relay_port} is CLOSED (connection refused); starting granian")
        procs.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "config.wsgi:application", "--workers", "2",
             "--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(args.port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(f"/tmp/{args.database}.web.log", "wb")))
        wait(lambda: _up(base), 120, "the web server")
        say(f"/healthz: {http('GET', base + '/healthz')[1]}")
        outage = time.monotonic()
        for i in range(2):  # each web process compiles the rule set on its first submission
            status, _body, ms = http("POST", base + "/api/v1/submissions", {
                "idempotency_key": f"warm-up-{i:04d}", "kind": "registration", "uid": f"warm{i}",
                "info": {"name": f"预热{i}"}, "identity": {"method": "mobile", "number": f"1370000000{i}"}}, token)
            say(f"warm-up registration {i}: {status} in {ms:.0f} ms")
        answers = _register(args, base, token)
        say(f"{args.registrations} registrations: statuses {dict(Counter(a[0] for a in answers))}, decisions "
            f"{dict(Counter(a[1] for a in answers))}; latency p50 {statistics.median(a[2] for a in answers):.0f} ms, "
            f"max {max(a[2] for a in answers):.0f} ms")
        cases = list(ReviewCase.objects.filter(decided_at__isnull=True).order_by("id"))
        for case in cases:
            services.case_decide(actor=moderator, case=case, decision="approve")
        from accounts.models import Account
        for account in Account.objects.order_by("id")[: args.warnings]:
            services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                                   reason="演练：夸大其词")
        say(f"decided {len(cases)} cases and warned {args.warnings} accounts with Redis down")
        say(f"recorded in PostgreSQL: {PendingJob.objects.count()} pending jobs "
            f"({dict(Counter(PendingJob.objects.values_list('path', flat=True)))}); "
            f"{WebhookEvent.objects.count()} events, {WebhookDelivery.objects.filter(attempt_count=0).count()} "
            f"deliveries not yet attempted; webhook hits so far: {sum(receiver.hits.values())}")
        say(f"/healthz: {http('GET', base + '/healthz')[1]}")

        relay.open()
        back = time.monotonic()
        say(f"Redis is BACK after {back - outage:.0f} s (relay open); the web server was not restarted. "
            "Starting one worker and rqcron")
        procs.append(subprocess.Popen([PY, "manage.py", "rqworker", "high", "default", "low", "--with-scheduler"],
                                      cwd=ROOT, env=env, stdout=open(f"/tmp/{args.database}.worker.log", "wb"),
                                      stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen([PY, "manage.py", "rqcron", "config.schedules"], cwd=ROOT, env=env,
                                      stdout=open(f"/tmp/{args.database}.cron.log", "wb"), stderr=subprocess.STDOUT))
        wait(lambda: not PendingJob.objects.exists()
             and not WebhookDelivery.objects.exclude(status="delivered").exists(), 600, "every job and delivery")
        say(f"drained in {time.monotonic() - back:.0f} s: pending jobs {PendingJob.objects.count()}, deliveries "
            f"{dict(Counter(WebhookDelivery.objects.values_list('status', flat=True)))}")
        after = _register(args, base, token, prefix="after", count=10)
        say(f"10 more registrations with Redis up: statuses {dict(Counter(a[0] for a in after))}; "
            f"latency p50 {statistics.median(a[2] for a in after):.0f} ms")
        say(f"/healthz: {http('GET', base + '/healthz')[1]}")
        subprocess.run([PY, "manage.py", "sweep_webhooks"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([PY, "manage.py", "flush_pending_jobs"], cwd=ROOT, env=env, check=True, capture_output=True)
        time.sleep(5)
        events = set(WebhookEvent.objects.values_list("event_id", flat=True))
        per_event = Counter(receiver.hits[e] for e in events)
        say(f"after sweeping again: {len(events)} events; receiver hits per event: {dict(per_event)}; "
            f"unknown ids received: {len(set(receiver.hits) - events)}")
        ok = set(per_event) == {1} and not set(receiver.hits) - events and \
            all(a[0] in (200, 201) for a in answers)
        say("RESULT: " + ("every notice and job went out exactly once" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()


def _up(base):
    try:
        return http("GET", base + "/healthz")[0] == 200
    except OSError:
        return False


def _register(args, base, token, prefix="drill", count=None):
    count = count or args.registrations

    def one(i):
        name = f"张医生{i}" if prefix == "drill" and i < args.reviews else f"演练用户{prefix}{i}"
        body = {"idempotency_key": f"{prefix}-registration-{i:05d}", "kind": "registration", "uid": f"{prefix}{i}",
                "info": {"name": name}, "identity": {"method": "mobile", "number": f"139{i:04d}{len(prefix):04d}"}}
        status, payload, ms = http("POST", base + "/api/v1/submissions", body, token)
        return status, payload.get("decision", payload.get("detail")), ms

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


if __name__ == "__main__":
    sys.exit(main())
