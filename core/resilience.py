"""Redis is an accelerator and a queue; PostgreSQL is the system of record (issue 18).

* ``breaker`` — a per-process circuit breaker in front of every Redis call made for a request
  (the cache, job hand-over): after a failure Redis is not asked again for ``open_seconds``, so
  a request never waits on a dead Redis more than once per interval, and the outage is logged
  once per ``warn_seconds``, not once per request.
* ``incr_window`` — a fixed-window counter in the cache, or in PostgreSQL (``RateCounter``)
  while the cache is unavailable: rate limits keep limiting during an outage.

Jobs that Redis could not take wait in ``core.PendingJob``; ``core.jobs.sweep_pending`` hands
them over (every minute from rqcron, or ``manage.py flush_pending_jobs``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

log = logging.getLogger("qinglang.redis")


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a dead, unreachable or overloaded Redis raises."""
    import redis

    return (redis.RedisError, OSError)


class Breaker:
    """Closed: calls go through. After a failure: open for ``open_seconds`` (callers skip Redis
    and use PostgreSQL), then the next call tries again."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self.open_until = 0.0
        self.last_warning = -1e9
        self.failing_since: float | None = None

    def allow(self) -> bool:
        return time.monotonic() >= self.open_until

    @property
    def is_open(self) -> bool:
        return not self.allow()

    def failure(self, exc: BaseException, what: str) -> None:
        now = time.monotonic()
        with self._lock:
            self.open_until = now + settings.REDIS_BREAKER_OPEN_SECONDS
            if self.failing_since is None:
                self.failing_since = now
            warn = now - self.last_warning >= settings.REDIS_BREAKER_WARN_SECONDS
            if warn:
                self.last_warning = now
        if warn:
            log.warning("Redis unavailable (%s during %s): using PostgreSQL instead; asking again every %ss, "
                        "next warning in %ss", type(exc).__name__, what, settings.REDIS_BREAKER_OPEN_SECONDS,
                        settings.REDIS_BREAKER_WARN_SECONDS)

    def success(self) -> None:
        if self.failing_since is None:
            return
        with self._lock:
            since, self.failing_since, self.open_until = self.failing_since, None, 0.0
        if since is not None:
            log.warning("Redis answers again after %.0f s", time.monotonic() - since)

    def reset(self) -> None:
        with self._lock:
            self.open_until, self.last_warning, self.failing_since = 0.0, -1e9, None


breaker = Breaker("redis")


class CacheUnavailable(Exception):
    """The shared cache cannot count right now (raised by ``incr``/``decr`` of the resilient
    backend, which the counter below turns into a PostgreSQL count)."""


def incr_window(key: str, window: int) -> int:
    """Count one hit in the current ``window``-second window of ``key``; the count so far."""
    from django.core.cache import cache

    cache_key = f"{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=window)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            return 1
    except CacheUnavailable:
        return _incr_in_database(cache_key, window)


def _incr_in_database(key: str, window: int) -> int:
    from core.models import RateCounter

    now = timezone.now()
    start = int(now.timestamp()) // window * window
    row_key = f"{key}:{start}"[:200]
    expires = dt.datetime.fromtimestamp(start + window, tz=dt.UTC)
    for _attempt in range(3):
        updated = RateCounter.objects.filter(key=row_key).update(count=F("count") + 1)
        if updated:
            return RateCounter.objects.filter(key=row_key).values_list("count", flat=True).get()
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=row_key, count=1, expires_at=expires)
            return 1
        except IntegrityError:  # created by a parallel request meanwhile: count on it
            continue
    raise RuntimeError("rate counter could not be written")
