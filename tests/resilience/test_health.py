"""The health JSON in each degraded state (issues 18, 22), the 系统状态 page and the dashboard
banner. A real Redis (the tests' database number) and a real RQ worker and rqcron."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from rq import Queue
from rq.registry import FailedJobRegistry

from core import health
from core.jobs import rq_connection
from core.views_status import BANNER_CACHE_KEY
from tests.resilience.conftest import CLOSED, real_redis_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_no_worker_and_no_cron_is_degraded_not_down(db, redis_at, client):
    redis_at(real_redis_url())
    r = client.get("/healthz")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "redis": "ok", "workers": "missing", "cron": "missing"}
    assert set(body["queues"]) == {"high", "default", "low"}
    assert {"depth", "workers", "oldest_job_age_seconds", "failed_last_hour", "last_heartbeat_age_seconds"} \
        <= set(body["queues"]["high"])
    assert "pending_jobs" in body and "failed_jobs_last_hour" in body


def test_queue_depth_oldest_job_and_failed_jobs(db, redis_at):
    redis_at(real_redis_url())
    queue = Queue("low", connection=rq_connection())
    queue.empty()
    queue.enqueue("core.jobs.sweep_pending")
    failed = FailedJobRegistry(queue=queue)
    broken = queue.enqueue("core.jobs.sweep_pending")
    queue.remove(broken)
    failed.add(broken, exc_string="boom")
    try:
        time.sleep(1.1)
        low = health.report()["queues"]["low"]
        assert low["depth"] == 1 and low["oldest_job_age_seconds"] >= 1 and low["failed_last_hour"] >= 1
    finally:
        queue.empty()
        failed.remove(broken, delete_job=True)


def test_redis_down_is_degraded_and_says_so(db, redis_at):
    redis_at(CLOSED)
    body = health.report()
    assert body["status"] == "degraded" and body["checks"]["redis"] == "down" and "queues" not in body
    assert health.problems() == ["redis_down"]


def test_database_down_is_503(db, redis_at, client, monkeypatch):
    monkeypatch.setattr(health, "_database", lambda: "down")
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "error"


def test_worker_and_cron_heartbeats_make_it_ok(transactional_db, redis_at, start_worker, start_cron, client):
    redis_at(real_redis_url())
    worker = start_worker()
    cron = start_cron()
    body = wait_for(lambda: (b := client.get("/healthz").json())["status"] == "ok" and b, 180,
                    f"worker and cron heartbeats; logs {worker.log} {cron.log}")
    assert all(q["workers"] >= 1 for q in body["queues"].values())
    assert body["cron"]["schedulers"] == 1
    schedules = body["cron"]["schedules"]
    assert "webhooks_sweep" in schedules and schedules["webhooks_sweep"]["every"] == "300s"
    wait_for(lambda: client.get("/healthz").json()["cron"]["schedules"]["pending_jobs_sweep"]
             ["last_enqueued_age_seconds"] is not None, 60, "rqcron to enqueue the interval jobs")


def test_status_page_for_admins_and_the_dashboard_banner(db, redis_at, admin_user, moderator, login):
    redis_at(real_redis_url())
    cache.delete(BANNER_CACHE_KEY)
    assert login(moderator).get("/records/system/").status_code == 403
    page = login(admin_user).get("/records/system/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="queues"' in html and "rqcron" in html
    dashboard = login(moderator).get("/").content.decode()
    assert 'data-testid="status-banner"' in dashboard and "rqworker" in dashboard
    assert "/records/system/" not in dashboard  # moderators see the banner, not the link
    assert "/records/system/" in login(admin_user).get("/").content.decode()
