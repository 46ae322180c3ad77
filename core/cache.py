"""The shared cache, degrading to "no cache" while Redis is unreachable (issue 18).

Every read through ``django.core.cache`` in this project is a cache in front of PostgreSQL (the
pause banner, the rule-set token, the dashboard cut-off, export progress): a miss makes the caller
read PostgreSQL. So while Redis fails, reads here answer "miss" and writes do nothing, behind
``core.resilience.breaker`` (one failed call opens it; Redis is asked again after a few
seconds). Counters are the exception: ``incr``/``decr`` raise ``CacheUnavailable`` so that
``core.resilience.incr_window`` counts in PostgreSQL instead of letting every request through.

Connect and socket timeouts come from ``OPTIONS`` (settings: 50 ms each by default).
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from core.resilience import CacheUnavailable, breaker, redis_errors

_MISSING = object()


class ResilientRedisCache(RedisCache):
    def _call(self, what: str, fn, fallback):
        if not breaker.allow():
            return fallback
        try:
            value = fn()
        except redis_errors() as exc:
            breaker.failure(exc, f"cache {what}")
            return fallback
        breaker.success()
        return value

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._call("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
                          list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._call("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call("clear", lambda: super(ResilientRedisCache, self).clear(), False)

    def incr(self, key, delta=1, version=None):
        value = self._call("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), _MISSING)
        if value is _MISSING:
            raise CacheUnavailable(key)
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
