"""Per-request / per-job context read by audit entries and logs.

A ``ContextVar`` works for both threads (WSGI request threads, RQ) and async code.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ExecutionContext:
    request_id: str
    source: str  # web | api | job | shell


_context: ContextVar[ExecutionContext | None] = ContextVar("qinglang_context", default=None)


def current() -> ExecutionContext:
    return _context.get() or ExecutionContext(request_id="", source="shell")


def current_request_id() -> str:
    ctx = _context.get()
    return ctx.request_id if ctx else ""


@contextlib.contextmanager
def execution(source: str, request_id: str | None = None) -> Iterator[ExecutionContext]:
    ctx = ExecutionContext(request_id=request_id or uuid.uuid4().hex[:16], source=source)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)
