"""Logging helpers: every line carries the request or job id, never personal data (Art 16)."""

import logging

from core.context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
