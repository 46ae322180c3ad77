"""API schemas for the account registry (pydantic via django-ninja)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from accounts.choices import QualificationDomain

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid", strict=False)


class ActivityIn(StrictSchema):
    ip: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="最近一次发帖/评论等活动的 IP；只保存归属地",
        json_schema_extra={"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]})
    at: dt.datetime | None = Field(default=None, description="活动时间（ISO 8601，带时区）")


class ActivityOut(Schema):
    ip_location: str


class QualificationIn(StrictSchema):
    domain: QualificationDomain
    document_name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    document_number: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    issuer: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    valid_until: dt.date | None = None
    evidence_b64: Annotated[str, StringConstraints(max_length=7_000_000)] | None = Field(
        default=None, description="证明材料（PNG/JPEG/GIF/WebP/PDF，base64，≤5 MB）")


class OrgCertificationIn(StrictSchema):
    uscc: Annotated[Text, StringConstraints(min_length=1, max_length=30)]
    full_name: Annotated[Text, StringConstraints(min_length=2, max_length=200)]
    short_name: Annotated[Text, StringConstraints(max_length=100)] = ""
    website: Annotated[Text, StringConstraints(min_length=1, max_length=200)] = Field(
        description="官方网站（必填）：http(s) 网址，主机须为可注册的域名")
    contact_person: Annotated[Text, StringConstraints(min_length=1, max_length=50)]
    contact_email: Annotated[Text, StringConstraints(min_length=3, max_length=254)]


class CreatedOut(Schema):
    id: int
    status: str


class QualificationLabel(Schema):
    domain: str
    label: str
    valid_until: dt.date | None


class IdentityOut(Schema):
    method: str
    masked: str
    org_class: str
    verified_at: dt.datetime


class AccountOut(Schema):
    uid: str
    kind: str
    is_public_account: bool
    status: str
    name: str
    bio: str
    signature: str
    certification: str
    profession: str
    avatar_url: str
    cover_url: str
    org_name: str
    org_uscc: str
    operator_name: str
    operator_address: str
    content_category: str
    uscc: str
    contact: str
    ip_location: str
    credit_score: int
    info_version: int
    identities: list[IdentityOut]
    qualifications: list[QualificationLabel]
    created_at: dt.datetime
    updated_at: dt.datetime


class PublicAccountBlock(Schema):
    operator_name: str
    operator_address: str
    content_category: str
    uscc: str
    contact: str


class OrgLabelOut(Schema):
    text: str
    org_class: str
    full_name: str
    website: str


class PublicProfileOut(Schema):
    uid: str
    name: str
    ip_location: str
    ip_location_label: str
    qualification_labels: list[QualificationLabel]
    public_account: PublicAccountBlock | None
    org_label: OrgLabelOut | None = Field(default=None, description="已通过机构认证的“官方”标识，撤销后即消失")


class RuleRefIn(StrictSchema):
    document: Literal["account_rules", "convention", "service_agreement"]
    version: int = Field(ge=1)


class AcceptancesIn(StrictSchema):
    accepted_rules: list[RuleRefIn] = Field(min_length=1, max_length=10)


class AcceptanceOut(Schema):
    document: str
    version: int
    accepted_at: dt.datetime
    source: str


class AcceptancesOut(Schema):
    uid: str
    recorded: int
    acceptances: list[AcceptanceOut]
