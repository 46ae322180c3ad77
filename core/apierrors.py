"""The platform API's one error shape, declared for the OpenAPI document (issue 11: the document
listed only 200/201, so a client generated from it knew nothing of 401 … 503).

Every error answer is ``{"detail": str, "errors": [{"field", "message", "code"}]}`` (made by the
exception handlers in ``config/api.py``). Each operation declares the statuses it can answer with
``errors(...)``: those every operation can give are always included, those of a JSON body with
``body=True``, and the operation's own (404, 409, 503 …) by number.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ErrorItem(Schema):
    field: str = Field(description="出错的字段（如 identity.number、evidence_b64.0），与请求体中的位置一致；body 指整个请求体")
    message: str
    code: str = Field(description="稳定的机器可读代码，如 invalid、duplicate、not_found、too_large、nul")


class ErrorOut(Schema):
    detail: str = Field(description="给人看的说明")
    errors: list[ErrorItem]


# Every operation: no or bad token (401), a scope the client lacks (403), an invalid path or query
# parameter (422).
ALWAYS = (401, 403, 422)
# An operation with a JSON body, also: a body that is not JSON (400), too large (413), of another
# content type (415).
WITH_BODY = (400, 413, 415)


def errors(*statuses: int, body: bool = False) -> dict[int, type[ErrorOut]]:
    """``response={200: Out, **errors(404, body=True)}``: the error statuses of one operation."""
    codes = set(ALWAYS) | set(statuses) | (set(WITH_BODY) if body else set())
    return {code: ErrorOut for code in sorted(codes)}
