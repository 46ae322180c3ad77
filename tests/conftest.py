"""Shared fixtures: named staff users per role, a platform API client, and account factories."""

from __future__ import annotations

import itertools
import os

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts import identity, services
from core import roles
from core.apiauth import api_client_create

_seq = itertools.count(1)


def pytest_configure(config):
    # Django's default PBKDF2 costs ~0.4 s per user created; tests create hundreds of users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test's API calls are logged at once (tests roll back; a batch must not span tests).
    # tests/test_api_calls.py covers batching itself.
    settings.API_CALL_BATCH_ROWS = 1
    # Webhook receivers in tests listen on localhost, which production refuses (core/webhooks/
    # outbound.py); tests/test_webhook_safety.py checks the refusal with this list emptied.
    from core.clientip import parse_networks

    settings.WEBHOOK_ALLOWED_NETWORKS = parse_networks("127.0.0.1/32,::1/128")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``redis`` need a real Redis and RQ (job ids, registries, a worker process) and
    are skipped in embedded mode (no REDIS_URL). Tests marked ``postgres`` use what only PostgreSQL has (advisory locks, sequences, JSON
    containment, concurrent writers, a server process sharing the test database). The
    PostgreSQL run (make test) runs them all; the SQLite run (make test-sqlite, embedded mode)
    skips them and says why."""
    from django.conf import settings
    from django.db import connection

    skip_pg = pytest.mark.skip(reason=f"needs PostgreSQL; this run is on {connection.vendor} (make test runs it)")
    skip_redis = pytest.mark.skip(reason="needs Redis and RQ; this run has no REDIS_URL (make test runs it)")
    for item in items:
        if connection.vendor != "postgresql" and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)
        elif not settings.REDIS_URL and item.get_closest_marker("redis"):
            item.add_marker(skip_redis)


PASSWORD = "test-pass-123"  # noqa: S105


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Short per-process caches (audit lane tail, API clients, pause switches, rule-set token) must not carry state that a
    previous test rolled back."""
    from django.conf import settings as dj_settings

    from core import apiauth, apicalls, audit
    from moderation.services import pauses, rule_terms

    audit.forget_tails()  # transactional tests empty the audit table between them
    apiauth.forget_cached_clients()
    apicalls.discard()
    pauses._forget()
    rule_terms._forget_local()
    dj_settings.DASHBOARD_CHART_CACHE_SECONDS = 0  # charts computed afresh in each test (tests/dashboard tests the cache)
    yield
    apicalls.discard()


def _user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if role:
        if not Group.objects.filter(name=role).exists():
            roles.sync_roles()  # transactional tests flush the groups the data migration made
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def moderator(db):
    return _user("moderator", roles.MODERATOR)


@pytest.fixture
def moderator2(db):
    return _user("moderator2", roles.MODERATOR)


@pytest.fixture
def supervisor(db):
    return _user("supervisor", roles.SUPERVISOR)


@pytest.fixture
def supervisor2(db):
    return _user("supervisor2", roles.SUPERVISOR)


@pytest.fixture
def auditor(db):
    return _user("auditor", roles.AUDITOR)


@pytest.fixture
def admin_user(db):
    return _user("admin", roles.ADMIN)


@pytest.fixture
def nobody(db):
    return _user("nobody", None)


@pytest.fixture
def login():
    def _login(user) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _login


@pytest.fixture
def platform_client(db):
    client, token = api_client_create(actor=None, name="platform", scopes=["*"])
    return client, token


@pytest.fixture
def api(platform_client):
    """A test client whose requests carry the platform token."""
    _client, token = platform_client
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def make_account(db):
    def _make(*, name: str | None = None, kind: str = "individual", uid: str | None = None, mobile: str | None = None,
              resident_id: str | None = None, **info):
        n = next(_seq)
        identities = []
        if mobile:
            identities.append(identity.validate_mobile(mobile))
        if resident_id:
            identities.append(identity.validate_resident_id(resident_id))
        is_public = info.pop("is_public_account", False)
        return services.account_create(
            actor=None, uid=uid or f"u{n:06d}", kind=kind, info={"name": name or f"用户{n}", **info},
            is_public_account=is_public, identities=identities,
        )

    return _make


# One Playwright (Debian's Chromium, no downloaded browsers) for the whole session: its sync API
# runs an event loop in this thread, so a second sync_playwright() in the same session fails.
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
    # arrange data are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for browser tests: run scripts/ensure_browser.sh")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def flat_query_count(django_assert_max_num_queries, monkeypatch):
    """Zulip's ``assert_database_query_count`` for a page: ``check(client, url, add_row, budget=)``
    measures the page with one row and with twenty-one; the counts must be equal and within the
    budget, and ``shows(i)`` (if given) must find every row on the page."""
    more = 20
    # The rule-set token is re-read after a second (rule_terms.LOCAL_SECONDS); on a loaded machine
    # the warming and the measured request can be further apart than that. A change still clears it.
    from moderation.services import rule_terms

    monkeypatch.setattr(rule_terms, "LOCAL_SECONDS", 3600.0)

    def check(client, url, add_row, *, budget: int, shows=None):
        # Each measured request follows a warming one: per-process caches (permissions, pause
        # switches, the compiled rule set after a term changed) refill once, not per row.
        add_row(0)
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(budget) as one:
            assert client.get(url).status_code == 200
        for i in range(1, more + 1):
            add_row(i)
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(budget) as many:
            response = client.get(url)
            assert response.status_code == 200
        assert len(many) == len(one), "\n".join(q["sql"] for q in many.captured_queries)
        if shows is not None:  # the rows are on the page, so the count covers rendering them
            html = response.content.decode()
            assert all(shows(i) in html for i in range(more + 1))
        return response

    return check
