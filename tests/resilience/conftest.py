"""Fixtures for the Redis outage tests (issue 18): settings that point the cache and the job
hand-over at a closed port, and a real RQ worker on the tests' Redis database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core.clients import api_client_create
from core.resilience import breaker
from tests.polling import wait_for  # noqa: F401 - the resilience tests import it from here
from tests.webhooks.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
CLOSED = "redis://127.0.0.1:6390/0"  # nothing listens here: connection refused




@pytest.fixture
def redis_at(settings):
    """``redis_at(url)``: the cache and RQ hand-over of this process use ``url`` from now on
    (asynchronous RQ, as in production); the breaker starts closed."""

    def _point(url: str):
        settings.REDIS_URL = url
        settings.JOBS_SYNC = False
        settings.CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": url,
                                       "OPTIONS": settings.REDIS_OPTIONS}}
        breaker.reset()

    yield _point
    breaker.reset()


def real_redis_url() -> str:
    return os.environ["REDIS_URL"]


def forget_our_jobs():
    """Queued jobs of an earlier run point at rows of another database life: drop them (the
    tests' Redis database only)."""
    import redis
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    conn = redis.Redis.from_url(real_redis_url())
    for name in ("high", "default", "low"):
        queue = Queue(name, connection=conn)
        queue.empty()
        scheduled = ScheduledJobRegistry(queue=queue)
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id, delete_job=True)
    for key in conn.scan_iter("rq:scheduler-lock:*"):
        conn.delete(key)


class Worker:
    """``manage.py rqworker high default low --with-scheduler`` on the test database and Redis."""

    def __init__(self, log: Path):
        db = connection.settings_dict
        env = {**os.environ, "QINGLANG_JOBS_SYNC": "0", "REDIS_URL": real_redis_url(),
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
               "QINGLANG_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32"}
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "rqworker", "high", "default", "low", "--with-scheduler"], cwd=ROOT,
            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def start_worker(tmp_path):
    started = []

    def _start() -> Worker:
        w = Worker(tmp_path / f"worker{len(started)}.log")
        started.append(w)
        return w

    yield _start
    for w in started:
        w.stop()
    if django_settings.REDIS_URL:
        forget_our_jobs()


@pytest.fixture
def platform_hooks(transactional_db):
    """The platform: a client with every scope whose webhook URL is a verifying receiver."""
    receiver = Receiver()
    client, token = api_client_create(actor=None, name="platform-hooks", scopes=["*"], webhook_url=receiver.url)
    receiver.secret = client.webhook_secret
    yield client, token, receiver
    receiver.close()


class Cron(Worker):
    """``manage.py rqcron config.schedules`` on the test database and Redis."""

    def __init__(self, log: Path):
        db = connection.settings_dict
        env = {**os.environ, "QINGLANG_JOBS_SYNC": "0", "REDIS_URL": real_redis_url(),
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "rqcron", "config.schedules"], cwd=ROOT, env=env,
            stdout=log.open("wb"), stderr=subprocess.STDOUT)


@pytest.fixture
def start_cron(tmp_path):
    started = []

    def _start() -> Cron:
        c = Cron(tmp_path / f"cron{len(started)}.log")
        started.append(c)
        return c

    yield _start
    for c in started:
        c.stop()
