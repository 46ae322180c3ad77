"""Issue 18: with Redis unreachable (REDIS_URL at a closed port) the submission, complaint,
decision and measure paths answer as with Redis up and write the same rows; the jobs they make
wait in PostgreSQL (``PendingJob``) and a real RQ worker runs each of them once Redis is back."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Account
from complaints.models import Complaint
from core import health
from core.jobs import flush_pending_jobs
from core.models import PendingJob, RateCounter, WebhookDelivery, WebhookEvent
from core.resilience import breaker, incr_window
from moderation import services
from moderation.choices import MeasureKind
from moderation.models import Measure, Notice, ReviewCase, Submission
from tests.resilience.conftest import CLOSED, real_redis_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

MODELS = (Account, Submission, ReviewCase, Measure, Notice, Complaint, WebhookEvent, WebhookDelivery)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


def _walk(tag: str, api: Client, staff: Client, moderator, make_account) -> list:
    """The paths a platform and a moderator use, as they use them; what each answered."""
    answers = []

    def submit(uid, info, kind="registration", **extra):
        body = {"idempotency_key": f"{tag}-{uid}-idempotency", "kind": kind, "uid": f"{tag}{uid}", "info": info, **extra}
        r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
        answers.append((f"submit {uid}", r.status_code, r.json().get("decision")))
        return r.json()

    submit("a", {"name": f"普通用户{tag}"}, identity={"method": "mobile", "number": "1380013800" + str(len(tag) + (tag == "u"))})
    account = make_account(uid=f"{tag}c", name="小明")
    case_id = submit("c", {"name": "张医生"}, kind="change")["case_id"]
    answers.append(("dashboard", staff.get("/").status_code, None))
    r = staff.post(f"/moderation/cases/{case_id}/decide/", {"decision": "approve"})
    answers.append(("decide", r.status_code, ReviewCase.objects.get(pk=case_id).decision))
    services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                           reason="夸大其词")
    r = api.post("/api/v1/complaints", content_type="application/json", data=json.dumps(
        {"category": "8.4", "target": f"{tag}c", "description": "账号名称冒充新闻媒体。", "external_ref": f"{tag}-rep"}))
    answers.append(("complaint", r.status_code, r.json().get("status")))
    r = api.get(f"/api/v1/accounts/{tag}c/public-profile")
    answers.append(("profile", r.status_code, None))
    return answers


def test_an_outage_changes_no_answer_and_loses_no_job(platform_hooks, moderator, make_account, redis_at,
                                                      start_worker, caplog):
    client, token, receiver = platform_hooks
    api = Client(headers={"Authorization": f"Bearer {token}"})
    staff = Client()
    staff.force_login(moderator)

    # Redis down: same answers, rows written, every job recorded as pending.
    redis_at(CLOSED)
    before = _counts()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="qinglang.redis"):
        down = _walk("d", api, staff, moderator, make_account)
    took = time.monotonic() - started
    written_down = {k: v - before[k] for k, v in _counts().items()}
    outage_warnings = [r for r in caplog.records if r.name == "qinglang.redis"]
    assert len(outage_warnings) == 1, [r.getMessage() for r in outage_warnings]  # once per interval
    assert all(status < 500 for _what, status, _x in down), down
    pending = list(PendingJob.objects.values_list("path", flat=True))
    assert Counter(pending)["core.webhooks.jobs.deliver"] == WebhookDelivery.objects.count() >= 3, pending
    assert not WebhookDelivery.objects.exclude(attempt_count=0).exists()  # nothing was sent yet
    assert health.report()["status"] == "degraded"
    assert took < 30, f"the walk took {took:.1f} s with Redis down"

    # Redis up (jobs go straight to RQ): the same answers and the same rows.
    redis_at(real_redis_url())
    before = _counts()
    up = _walk("u", api, staff, moderator, make_account)
    written_up = {k: v - before[k] for k, v in _counts().items()}
    assert [(what, status, x) for what, status, x in down] == [(what, status, x) for what, status, x in up]
    assert written_down == written_up
    assert PendingJob.objects.filter(path="core.webhooks.jobs.deliver").count() == len(pending)  # only the old ones

    # Redis is back: the sweep hands the recorded jobs to a real worker, each runs once.
    worker = start_worker()
    counts = flush_pending_jobs()
    assert counts["enqueued"] == len(pending) and counts["left"] == 0, counts
    events = set(WebhookEvent.objects.values_list("event_id", flat=True))
    wait_for(lambda: not WebhookDelivery.objects.exclude(status="delivered").exists(), 180,
             f"every delivery to be delivered; worker log: {worker.log}")
    assert flush_pending_jobs() == {"enqueued": 0, "already_queued": 0, "left": 0}
    time.sleep(2)
    hits = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert set(hits) == events and set(hits.values()) == {1}, hits
    assert worker.process.poll() is None, worker.log.read_text()


def test_cache_reads_fall_back_and_the_breaker_spares_a_dead_redis(db, redis_at, django_assert_num_queries):
    redis_at(CLOSED)
    assert cache.get("x") is None and cache.set("x", 1) is None and cache.get_or_set("y", lambda: 7) == 7
    assert breaker.is_open  # the first failure opened it: no more waiting on connects
    started = time.monotonic()
    for _ in range(1000):
        cache.get("x")
    assert time.monotonic() - started < 0.5


def test_rate_limits_count_in_postgresql_while_redis_is_down(db, redis_at):
    redis_at(CLOSED)
    assert [incr_window("complaints:rl:test:k", 60) for _ in range(3)] == [1, 2, 3]
    assert RateCounter.objects.get().count == 3
    redis_at(real_redis_url())
    cache.delete("complaints:rl:test:k2:60")
    assert [incr_window("complaints:rl:test:k2", 60) for _ in range(2)] == [1, 2]
    cache.delete("complaints:rl:test:k2:60")


def test_public_complaint_form_keeps_limiting_with_redis_down(db, redis_at, settings):
    redis_at(CLOSED)
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(2, 600)]}
    anonymous = Client()
    statuses = [anonymous.post("/complaints/public/", {"description": "x"}).status_code for _ in range(4)]
    assert statuses[-1] == 429, statuses


def test_healthz_is_degraded_with_redis_down_and_503_only_without_the_database(db, redis_at):
    redis_at(CLOSED)
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "degraded" and r.json()["checks"]["redis"] == "down"
    redis_at(real_redis_url())
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json()["checks"]["redis"] == "ok"  # (no worker here: "degraded")


def test_staff_sessions_live_in_the_database(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_sweep_hands_over_old_rows_once_and_leaves_fresh_ones(db, redis_at, settings):
    """Rows younger than the grace are being handed over by their own process; a row whose job
    RQ already holds (handed over, then the process died before deleting it) is not sent again."""
    import datetime as dt

    from django.utils import timezone
    from rq import Queue

    from core.jobs import rq_connection, rq_submit, sweep_pending

    redis_at(real_redis_url())
    old = timezone.now() - dt.timedelta(minutes=5)
    queue = Queue("low", connection=rq_connection())
    queue.empty()
    held = PendingJob.objects.create(path="core.jobs.sweep_pending", queue="low", created_at=old)
    rq_submit(queue, held)  # RQ has it already
    lost = PendingJob.objects.create(path="core.jobs.sweep_pending", queue="low", created_at=old)
    fresh = PendingJob.objects.create(path="core.jobs.sweep_pending", queue="low")
    counts = sweep_pending()
    assert (counts["enqueued"], counts["already_queued"], counts["left"]) == (1, 1, 1)
    assert list(PendingJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert sorted(queue.get_job_ids()) == sorted([held.rq_job_id, lost.rq_job_id])
    queue.empty()
