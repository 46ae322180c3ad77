"""The one error type services raise when they refuse a state change.

It lives in ``core`` because every app's services raise it and every boundary (the JSON API,
forms, jobs) turns it into an answer: ``message`` for people, ``field`` naming the input at
fault (or ``""``), ``code`` a stable machine key, ``status`` the HTTP status the API answers.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refused state change: ``field`` names the input at fault (or ``""``), ``code`` is stable."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid", status: int = 422,
                 errors: list[dict] | None = None):
        super().__init__(message)
        self.message, self.field, self.code, self.status = message, field, code, status
        # several faults at once (each {"field", "message", "code"}); else the one ``field``
        self.errors = errors
