"""A run on real ``rqworker`` processes against real Redis and PostgreSQL: the worker is
SIGKILLed (with its work horse) mid-run, a new one takes over, the sweep queues the lost chunk
again, and the run ends with counts equal to the number of accounts, one result and one case
per flagged account. Then the same with the Redis jobs wiped (a Redis restart without
persistence): the run resumes from PostgreSQL state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import django_rq
import pytest
from django.conf import settings
from django.db import connection

from accounts.identity import validate_mobile
from accounts.models import Account, IdentityVerification
from core import crypto, rules_engine
from moderation.models import ReviewCase
from rechecks.choices import RunStatus
from rechecks.models import RecheckResult, RecheckRun
from rechecks.services import runs
from tests.polling import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

def _wait(predicate, timeout: float, what: str):
    return wait_for(predicate, timeout, what, interval=0.1)


ROOT = Path(__file__).resolve().parents[2]
N, BAD = 2400, 12




class Worker:
    """``manage.py rqworker low`` on the test database and the tests' Redis database."""

    def __init__(self, log: Path):
        db = connection.settings_dict
        env = {**os.environ, "QINGLANG_JOBS_SYNC": "0", "REDIS_URL": settings.REDIS_URL,
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "rqworker", "low"], cwd=ROOT, env=env,
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        """SIGKILL the worker and its work horse (the whole session this test started)."""
        horses = _horses(self.process.pid)
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        return horses

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def _horses(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                pids.append(int(entry.name))
    return pids


def _seed():
    accounts = []
    for i in range(N):
        name = f"加微信abc{i:05d}" if i % (N // BAD) == 0 else f"读书人{i:05d}"
        accounts.append(Account(uid=f"w{i:05d}", name=name, name_key=rules_engine.name_key(name)))
    Account.objects.bulk_create(accounts, batch_size=1000)
    ident = validate_mobile("13800138000")
    encrypted = crypto.encrypt(ident.number)
    IdentityVerification.objects.bulk_create([
        IdentityVerification(account=a, method=ident.method, number_hash=f"h{a.pk}", number_encrypted=encrypted,
                             masked=ident.masked) for a in Account.objects.all()], batch_size=1000)


@pytest.fixture
def queue(transactional_db, settings):
    settings.JOBS_SYNC = False
    settings.QINGLANG_RECHECKS = {"chunk_size": 200, "lease_seconds": 1}
    q = django_rq.get_queue("low", is_async=True)
    q.empty()
    yield q
    q.empty()


def _assert_exact(run: RecheckRun):
    run.refresh_from_db()
    chunks = list(run.chunks.values_list("seq", "status", "attempts", "requeues", "checked"))
    assert run.status == RunStatus.FINISHED, chunks
    assert run.status == RunStatus.FINISHED
    assert (run.total, run.checked, run.clean + run.flagged + run.errors) == (N, N, N)
    assert run.flagged == BAD and run.errors == 0
    assert RecheckResult.objects.filter(run=run).count() == BAD
    assert ReviewCase.objects.filter(reason="recheck").count() == BAD
    assert not Account.objects.filter(last_rechecked_at__isnull=True).exists()


def _finish(run, timeout=300):
    def done():
        runs.requeue_stalled()
        run.refresh_from_db()
        return not run.is_active
    _wait(done, timeout, "the run to finish")


def test_a_sigkilled_worker_loses_and_duplicates_nothing(queue, tmp_path):
    _seed()
    run = runs.recheck_start(actor=None, scope="all")
    assert queue.count == 1  # the planning job: the worker cuts the run into chunks
    first = Worker(tmp_path / "worker1.log")
    try:
        _wait(lambda: run.chunks.filter(status="running").exists() or run.chunks.filter(status="done").count() > 1,
              120, "a chunk to start")
        _wait(lambda: run.chunks.filter(status="running").exists() and _horses(first.process.pid), 60,
              "a chunk in progress")
        assert first.kill(), "no work horse was found to kill"
    finally:
        first.stop()
    assert run.chunks.filter(status="running").exists()  # its work was rolled back with the connection
    second = Worker(tmp_path / "worker2.log")
    try:
        _finish(run)
    finally:
        second.stop()
    _assert_exact(run)
    assert max(run.chunks.values_list("attempts", flat=True)) >= 2  # the killed chunk ran again


def test_a_redis_restart_resumes_from_postgresql(queue, tmp_path):
    _seed()
    run = runs.recheck_start(actor=None, scope="all")
    queue.connection.flushdb()  # every queued job gone (the plan too), as after a restart without persistence
    worker = Worker(tmp_path / "worker.log")
    try:
        _finish(run)
    finally:
        worker.stop()
    _assert_exact(run)
