"""Logging helpers: every line carries the request or job id, never personal data (Art 16)."""

import logging

from core.context import current_request_id


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
