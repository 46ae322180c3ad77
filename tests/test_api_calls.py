"""The API call log is written in batches (core.apicalls) and loses nothing on the way, short of
a process killed outright (what that loses is said in core/apicalls.py and README)."""

import time

import pytest

from core import apicalls
from core.apiauth import api_client_create
from core.models import ApiCall, ApiClient


@pytest.fixture
def platform(db):
    client, token = api_client_create(actor=None, name="platform", scopes=["*"])
    return client, token


def _get(client, token, path):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_rows_wait_for_a_full_batch_then_are_written_together(client, platform, settings):
    settings.API_CALL_BATCH_ROWS = 3
    settings.API_CALL_BATCH_SECONDS = 60
    api_client, token = platform
    _get(client, token, "/api/v1/accounts/a")
    _get(client, token, "/api/v1/accounts/b")
    assert ApiCall.objects.count() == 0 and apicalls.pending() == 2
    _get(client, token, "/api/v1/accounts/c")
    assert apicalls.pending() == 0
    assert list(ApiCall.objects.order_by("id").values_list("path", "status", "client_id")) == [
        (f"/api/v1/accounts/{x}", 404, api_client.pk) for x in "abc"]


def test_a_batch_is_one_insert_and_each_row_keeps_the_time_of_its_call(platform, settings):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.API_CALL_BATCH_ROWS = 100
    api_client, _token = platform
    answered = [timezone.now() - dt.timedelta(minutes=m) for m in (3, 2, 1)]
    for i, at in enumerate(answered):
        apicalls.log_call(client_id=api_client.pk, created_at=at, method="POST", path=f"/api/v1/x{i}", status=201,
                          duration_ms=5, request_id=f"r{i}")
    with CaptureQueriesContext(connection) as queries:
        assert apicalls.flush() == 3
    assert sum(q["sql"].startswith("INSERT") for q in queries.captured_queries) == 1
    assert list(ApiCall.objects.order_by("id").values_list("created_at", flat=True)) == answered


def test_one_row_per_batch_writes_each_call_before_its_answer(client, platform, settings):
    settings.API_CALL_BATCH_ROWS = 1
    api_client, token = platform
    _get(client, token, "/api/v1/accounts/a")
    assert apicalls.pending() == 0
    assert list(ApiCall.objects.values_list("path", "client_id")) == [("/api/v1/accounts/a", api_client.pk)]


def test_unauthenticated_calls_are_logged_without_a_client(db, client, settings):
    settings.API_CALL_BATCH_ROWS = 1
    assert client.get("/api/v1/accounts/x", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert list(ApiCall.objects.values_list("path", "status", "client_id")) == [("/api/v1/accounts/x", 401, None)]


@pytest.mark.django_db(transaction=True)
def test_a_quiet_process_writes_its_rows_after_the_wait(client, settings):
    settings.API_CALL_BATCH_ROWS = 100
    settings.API_CALL_BATCH_SECONDS = 0.2
    _api_client, token = api_client_create(actor=None, name="quiet", scopes=["*"])
    _get(client, token, "/api/v1/accounts/a")
    assert ApiCall.objects.count() == 0
    deadline = time.monotonic() + 5
    while ApiCall.objects.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ApiCall.objects.count() == 1 and apicalls.pending() == 0


def test_a_row_that_cannot_be_written_does_not_take_the_batch_with_it(platform, settings):
    from django.utils import timezone

    settings.API_CALL_BATCH_ROWS = 100
    api_client, _token = platform
    now = timezone.now()
    apicalls.log_call(client_id=api_client.pk, created_at=now, method="GET", path="/api/v1/ok", status=200,
                      duration_ms=1, request_id="r1")
    apicalls.log_call(client_id=api_client.pk, created_at=now, method="GET", path="/api/v1/bad", status=-1,
                      duration_ms=1, request_id="r2")  # violates the column's CHECK constraint
    assert apicalls.flush() == 1
    assert list(ApiCall.objects.values_list("path", flat=True)) == ["/api/v1/ok"]


def test_a_deactivated_client_is_refused_once_its_cached_row_expires(client, platform, monkeypatch):
    from core import clients

    api_client, token = platform
    assert _get(client, token, "/api/v1/accounts/a").status_code == 404
    ApiClient.objects.filter(pk=api_client.pk).update(is_active=False)
    assert _get(client, token, "/api/v1/accounts/a").status_code == 404  # still cached
    monkeypatch.setattr(clients, "CACHE_SECONDS", 0.0)
    clients.forget_cached_clients()
    assert _get(client, token, "/api/v1/accounts/a").status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_server_worker_that_stops_writes_its_waiting_rows():
    """granian's forked workers end through multiprocessing, which skips atexit handlers."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.request
    from pathlib import Path
    from urllib.parse import quote

    from django.db import connection

    _api_client, token = api_client_create(actor=None, name="worker", scopes=["*"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = connection.settings_dict
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    env = {**os.environ, "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "QINGLANG_API_CALL_BATCH_ROWS": "1000", "QINGLANG_API_CALL_BATCH_SECONDS": "600",
           "QINGLANG_LOG_LEVEL": "WARNING"}
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(  # noqa: S603 - our own venv's server
        [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "config.wsgi:application",
         "--workers", "1", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=root, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine imports slowly
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, "granian did not start"
                time.sleep(0.2)
        for path in ("a", "b", "c"):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/accounts/{path}",
                                         headers={"Authorization": f"Bearer {token}"})
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(req, timeout=10)  # noqa: S310 - 404: no such account
        assert ApiCall.objects.count() == 0  # still waiting in the worker
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert sorted(ApiCall.objects.values_list("path", flat=True)) == [f"/api/v1/accounts/{p}" for p in "abc"]
