"""API schemas for appeals."""

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from accounts.schemas import StrictSchema


class AppealIn(StrictSchema):
    uid: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    measure_id: int | None = None
    submission_id: int | None = None
    statement: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    evidence_b64: list[str] = Field(default_factory=list, max_length=3, description="up to 3 images, base64")


class AppealOut(Schema):
    tracking_code: str
    status: str
    measure_id: int | None
    submission_id: int | None
    filed_at: dt.datetime
    filing_due_at: dt.datetime
    answer_due_at: dt.datetime
    outcome: str
    outcome_reason: str
    outcome_articles: list[str]
    new_measure_id: int | None
