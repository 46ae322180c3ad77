"""The process-wide rules engine, rebuilt when the rule-set version changes.

``rules/`` is a pure library; this module owns *which* engine a process uses. Supervisor-managed
terms live in the database of a higher app (moderation), which registers a provider here:
``set_extra_terms_provider(version_fn, terms_fn)``. Each ``get_engine()`` call asks the cheap
``version_fn`` (a cached counter) and recompiles only when it moved, so web processes and workers
pick up rule changes without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

_lock = threading.Lock()
_engine = None
_engine_key: object = None
_version_fn: Callable[[], object] = lambda: 0
_terms_fn: Callable[[], Iterable[dict]] = lambda: ()


def set_extra_terms_provider(version_fn: Callable[[], object], terms_fn: Callable[[], Iterable[dict]]) -> None:
    global _version_fn, _terms_fn, _engine_key
    _version_fn, _terms_fn = version_fn, terms_fn
    _engine_key = None


def get_engine():
    """The compiled engine for the current rule-set version (thread-safe, compiled lazily)."""
    global _engine, _engine_key
    key = _version_fn()
    if _engine is not None and key == _engine_key:
        return _engine
    with _lock:
        if _engine is None or key != _engine_key:
            import rules

            _engine = rules.load(extra=list(_terms_fn()))
            _engine_key = key
    return _engine


def name_key(name: str) -> str:
    """The normalised form of a name used to match closed accounts (Art 10 ¶3)."""
    engine = get_engine()
    fn = getattr(engine, "name_key", None)
    return (fn(name) if fn else name.strip().lower())[:100]
