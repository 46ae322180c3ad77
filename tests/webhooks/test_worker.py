"""Retries on the documented schedule with a real ``rqworker --with-scheduler`` against real Redis,
and a work horse killed after the request went out (issue 22). Timings are generous: the machine
may be loaded; what is checked is that the retry is not early and comes on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import django_rq
import pytest
from django.conf import settings
from django.db import connection, transaction
from rq.registry import ScheduledJobRegistry

from core.jobs import run_job
from core.models import WebhookAttempt, WebhookDelivery
from core.webhooks import webhook_send
from tests.polling import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _wait(predicate, timeout: float, what: str):
    return wait_for(predicate, timeout, what)


ROOT = Path(__file__).resolve().parents[2]




class Worker:
    """``manage.py rqworker high --with-scheduler`` on the test database and Redis."""

    def __init__(self, tmp_path: Path):
        db = connection.settings_dict
        env = {**os.environ, "QINGLANG_JOBS_SYNC": "0", "REDIS_URL": settings.REDIS_URL,
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
               "QINGLANG_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32"}
        self.redis = django_rq.get_connection("high")
        _forget_queued_jobs()
        # The tests' Redis database only: a scheduler lock left by a killed run would stall ours.
        for key in self.redis.scan_iter("rq:scheduler-lock:*"):
            self.redis.delete(key)
        self.log = tmp_path / "worker.log"
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "rqworker", "high", "--with-scheduler"], cwd=ROOT, env=env,
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        try:
            _wait(lambda: self.redis.exists("rq:scheduler-lock:high") or self.process.poll() is not None, 90,
                  "the worker's scheduler")
            assert self.process.poll() is None, self.log.read_text()
        except BaseException:
            self.stop()
            raise

    def horse_pids(self) -> list[int]:
        """The worker's work horses: children that lead their own process group (rq calls setpgrp)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and int(fields[2]) == int(entry.name):
                pids.append(int(entry.name))
        return pids

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _forget_queued_jobs():
    """Jobs booked by an earlier run point at rows of another database life (ids restart): drop them."""
    queue = django_rq.get_queue("high", is_async=True)
    queue.empty()
    scheduled = ScheduledJobRegistry(queue=queue)
    for job_id in scheduled.get_job_ids():
        scheduled.remove(job_id, delete_job=True)


@pytest.fixture(scope="module")
def running_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker for the module (starting Django takes long on a loaded machine)."""
    with django_db_blocker.unblock():
        w = Worker(tmp_path_factory.mktemp("worker"))
    yield w
    w.stop()
    _forget_queued_jobs()


@pytest.fixture
def worker(running_worker, transactional_db, settings):
    settings.JOBS_SYNC = False  # as in production: every job (first attempts too) goes to the worker
    assert running_worker.process.poll() is None, running_worker.log.read_text()
    return running_worker


def _delivery_done(pk):
    return WebhookDelivery.objects.filter(pk=pk, status=WebhookDelivery.Status.DELIVERED).exists()


def test_a_failed_delivery_is_retried_at_about_ten_seconds_by_the_worker(worker, hooked):
    w = worker
    client, _token, receiver = hooked(answers=[503])
    with transaction.atomic():
        event = webhook_send("webhook.test", {"message": "retry"}, client=client)
    first, second = receiver.wait_for(2, timeout=120)
    gap = second.at - first.at
    assert 9.5 <= gap <= 60, f"retry came after {gap:.1f} s"
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.event_id
    delivery = event.deliveries.get()
    _wait(lambda: _delivery_done(delivery.pk), 60, "the delivery to be recorded")
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.outcome, a.status_code) for a in attempts] == [(1, "failed", 503), (2, "succeeded", 204)]
    assert attempts[1].job_id and attempts[1].job_id != attempts[0].job_id  # its own job, on the worker
    assert w.log.read_text().count("attempt 1 failed") == 1  # logged at WARNING by the worker, once


def test_a_work_horse_killed_after_sending_is_retried_and_the_event_not_lost(worker, hooked):
    """The first attempt runs on the worker; the receiver, on getting it, kills the work horse
    before answering. The attempt stays "sending", its job fails, and the check booked for 10 s
    later marks it interrupted and sends the same event again."""
    killed = []

    def kill_the_horse(handler):
        horses = worker.horse_pids()
        for pid in horses:
            os.killpg(pid, signal.SIGKILL)
        killed.extend(horses)
        return None  # the sender is dead: no answer

    client, _token, receiver = hooked(answers=[kill_the_horse])
    with transaction.atomic():
        event = webhook_send("webhook.test", {"message": "survive"}, client=client, follow_up=False)
    delivery = event.deliveries.get()
    django_rq.get_queue("high", is_async=True).enqueue(run_job, "core.webhooks.jobs.deliver", delivery.pk)
    first, second = receiver.wait_for(2, timeout=120)
    assert killed, "no work horse was found to kill"
    assert 9.5 <= second.at - first.at <= 60
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.event_id  # de-duplicable
    _wait(lambda: _delivery_done(delivery.pk), 60, "the delivery to be recorded")
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.outcome, a.error_code) for a in attempts] == [("interrupted", "interrupted"), ("succeeded", "")]
    assert all(a.job_id for a in attempts)
    assert "interrupted after sending" in worker.log.read_text()
