"""API schemas for submissions and notices."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from accounts.schemas import RuleRefIn, StrictSchema

Short = Annotated[str, StringConstraints(max_length=300)]


class IdentityIn(StrictSchema):
    method: Literal["mobile", "resident_id", "uscc"]
    number: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class InfoIn(StrictSchema):
    name: Annotated[str, StringConstraints(max_length=100)] | None = None
    bio: Annotated[str, StringConstraints(max_length=2000)] | None = None
    signature: Short | None = None
    certification: Short | None = None
    profession: Annotated[str, StringConstraints(max_length=100)] | None = None
    org_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    org_nature: Annotated[str, StringConstraints(max_length=50)] | None = None
    org_business_scope: Annotated[str, StringConstraints(max_length=2000)] | None = None
    org_industry: Annotated[str, StringConstraints(max_length=100)] | None = None
    org_uscc: Annotated[str, StringConstraints(max_length=18)] | None = None
    operator_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    operator_address: Short | None = None
    content_category: Annotated[str, StringConstraints(max_length=100)] | None = None
    uscc: Annotated[str, StringConstraints(max_length=18)] | None = None
    contact: Annotated[str, StringConstraints(max_length=200)] | None = None


class RegistrationInfoIn(InfoIn):
    """A registration names the account (Art 10): a name with at least one visible character."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S")]


class _SubmissionFields(StrictSchema):
    idempotency_key: Annotated[str, StringConstraints(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")] = Field(
        description="客户端生成的幂等键，8–100 个字符（字母、数字及 _ . : -）；同一客户端以同一键重复提交返回同一结果")
    uid: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
    account_kind: Literal["individual", "organization"] = "individual"
    is_public_account: bool | None = None
    verified_org_name: Annotated[str, StringConstraints(max_length=200)] = ""
    avatar_b64: Annotated[str, StringConstraints(min_length=1, max_length=7_000_000)] | None = None
    cover_b64: Annotated[str, StringConstraints(min_length=1, max_length=7_000_000)] | None = None


class RegistrationIn(_SubmissionFields):
    """A registration (Art 9, 10): a real-name identity and a name are required."""

    kind: Literal["registration"]
    info: RegistrationInfoIn
    identity: IdentityIn = Field(description="真实身份信息（第九条），注册必填")
    accepted_rules: list[RuleRefIn] = Field(default_factory=list, max_length=10,
                                            description="已发布规则版本中用户同意的（第六条），如服务协议第 2 版")


def _something_to_change(schema: dict) -> None:
    """A change must change something: an image, or an account-information field given as text."""
    fields = [name for name in InfoIn.model_fields]
    schema["anyOf"] = [
        {"required": ["avatar_b64"], "properties": {"avatar_b64": {"type": "string"}}},
        {"required": ["cover_b64"], "properties": {"cover_b64": {"type": "string"}}},
        {"required": ["info"], "properties": {"info": {"anyOf": [
            {"required": [name], "properties": {name: {"type": "string"}}} for name in fields]}}},
    ]


class ChangeIn(_SubmissionFields):
    """A change of account information (Art 10): the old information stays live until it passes."""

    model_config = ConfigDict(json_schema_extra=_something_to_change)

    kind: Literal["change"]
    info: InfoIn = Field(default_factory=InfoIn)
    identity: IdentityIn | None = None


# The two kinds, told apart by ``kind``: the OpenAPI document then says what each requires.
SubmissionIn = Annotated[RegistrationIn | ChangeIn, Field(discriminator="kind")]


class FindingOut(Schema):
    article: str
    rule: str
    field: str
    span: list[int]
    matched: str
    term: str
    evasion: list[str]
    severity: str
    explanation: str


class ReasonOut(Schema):
    article: str
    field: str
    explanation: str


class SubmissionOut(Schema):
    submission_id: int
    uid: str
    kind: str
    decision: str
    status: str
    case_id: int | None
    ruleset: str
    articles: list[str]
    reasons: list[ReasonOut]
    findings: list[FindingOut]
    replayed: bool = False
    credit_changed: bool = Field(False, description="the account's credit band turned an allow into a review (Art 18)")


class NoticeOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    account_uid: str
    title: str
    body: str
    articles: list[str]
    deadline: dt.datetime | None
    case_id: int | None
    measure_id: int | None
    submission_id: int | None
    created_at: dt.datetime


class NoticePage(Schema):
    items: list[NoticeOut]
    next_after_id: int | None


class CreditEventOut(Schema):
    id: int
    delta: int
    score_after: int
    code: str
    explanation: str
    measure_id: int | None
    policy_version: int
    created_at: dt.datetime


class CreditOut(Schema):
    uid: str
    score: int
    band: str
    band_label: str
    consequences: list[str]
    policy_version: int
    ledger: list[CreditEventOut]
    next_before_id: int | None = Field(None, description="pass as before_id for the next (older) page")
