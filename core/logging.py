"""Logging helpers: every line carries the request or job id, never personal data (Art 16).

Production writes one JSON object per line (``JsonFormatter``) for a log shipper; each request
adds one ``qinglang.request`` line (``AccessLogMiddleware``) with its id, user id, method, path
(never the query string, where searches carry phone and ID numbers), status and duration.
Errors also go to ``QINGLANG_ERROR_HANDLER`` when set (docs/security.md, "Error reporting").
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

from core.context import current_request_id

# Long digit runs are what personal numbers look like here (ID numbers, phones, bank cards):
# whatever a message says, they never reach a log line whole.
_NUMBERS = re.compile(r"(?<!\d)(\d{3})\d{5,}(\d{2})(?!\d)|(?<![\d.])(\d{1,3}\.\d{1,3})\.\d{1,3}\.\d{1,3}(?![\d.])")


def scrub(text: str) -> str:
    """``13800138000`` → ``138******00``; ``203.0.113.7`` → ``203.0.*.*``."""
    def _mask(m: re.Match) -> str:
        if m.group(1):
            return m.group(1) + "*" * (len(m.group(0)) - 5) + m.group(2)
        return m.group(3) + ".*.*"
    return _NUMBERS.sub(_mask, text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class DisallowedHostFilter(logging.Filter):
    """``django.security.DisallowedHost`` (a request naming a host we do not serve — scanners,
    mostly) becomes one WARNING line without a traceback: Django logs it at ERROR with the
    exception, which fills the logs and pages nobody usefully."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, request id, message, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": scrub(record.getMessage()),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class AccessLogMiddleware:
    """One ``qinglang.request`` line per request: what an operator needs to follow a request."""

    logger = logging.getLogger("qinglang.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        self.logger.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "request_id": getattr(request, "request_id", "-"), "method": request.method, "path": scrub(request.path), "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        })
        return response
