"""API schemas for complaints forwarded by the platform (Art 19)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from accounts.schemas import StrictSchema, Text
from complaints.choices import ComplaintCategory


class ComplaintIn(StrictSchema):
    category: ComplaintCategory = Field(description="投诉类别：8.1–8.8（第八条各项）、impersonation、personal_info、other")
    target: Annotated[Text, StringConstraints(min_length=1, max_length=300)] = Field(
        description="被投诉账号的 uid 或主页链接")
    description: Annotated[Text, StringConstraints(min_length=5, max_length=2000)]
    contact: Annotated[Text, StringConstraints(max_length=100)] = Field(
        default="", description="投诉人联系方式（可选；手机号或邮箱，加密保存）")
    evidence_b64: list[Annotated[str, StringConstraints(max_length=7_000_000)]] = Field(
        default_factory=list, max_length=3, description="证据图片（JPEG/PNG/GIF/WebP，base64，每张 ≤5 MB，至多 3 张）")
    external_ref: Annotated[Text, StringConstraints(max_length=64)] = Field(
        default="", description="平台侧举报编号；同一编号重复提交返回同一投诉")


class ComplaintOut(Schema):
    tracking_code: str
    status: str
    stage: str
    accept_due_at: dt.datetime
    feedback_due_at: dt.datetime
    calendar_warning: bool
    merged: bool
    outcome: str
