"""Real-name identity validation (Art 9) with python-stdnum and phonenumbers.

Each validator returns the normalised number and the facts derived from it, or raises
``IdentityError`` naming the field and the problem in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from accounts.choices import IdentityMethod, OrgClass
from core import crypto


class IdentityError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ValidatedIdentity:
    method: str
    number: str  # normalised; never logged
    details: dict = field(default_factory=dict)
    org_class: str = ""

    @property
    def number_hash(self) -> str:
        return crypto.keyed_hash(self.method, self.number)

    @property
    def masked(self) -> str:
        if self.method == IdentityMethod.MOBILE:
            return crypto.mask(self.number, keep_start=6, keep_end=4)  # +86138****8000
        if self.method == IdentityMethod.RESIDENT_ID:
            return crypto.mask(self.number, keep_start=3, keep_end=4)
        return crypto.mask(self.number, keep_start=4, keep_end=4)


_STDNUM_MESSAGES = {
    stdnum_errors.InvalidLength: "长度不正确",
    stdnum_errors.InvalidFormat: "格式不正确",
    stdnum_errors.InvalidChecksum: "校验码不正确",
    stdnum_errors.InvalidComponent: "包含无效的组成部分（出生日期或地区代码）",
}


def _stdnum_message(exc: Exception) -> str:
    for cls, message in _STDNUM_MESSAGES.items():
        if isinstance(exc, cls):
            return message
    return "无效"


def validate_resident_id(value: str, *, field_name: str = "number", today: dt.date | None = None) -> ValidatedIdentity:
    """18-digit resident ID: checksum, birth date (not in the future) and area code."""
    if not isinstance(value, str) or not value.strip():
        raise IdentityError(field_name, "居民身份证号码不能为空")
    compact = value.strip().replace(" ", "").replace("-", "").upper()
    try:
        number = ric.validate(compact)
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError as exc:
        raise IdentityError(field_name, f"居民身份证号码{_stdnum_message(exc)}") from None
    if birth > (today or dt.date.today()):  # noqa: DTZ011 - a calendar date, not an instant
        raise IdentityError(field_name, "居民身份证号码的出生日期晚于今天")
    place = ric.get_birth_place(number) or {}
    details = {
        "birth_year": birth.year,
        "area_code": number[:6],
        "province": place.get("province", ""),
        "county": place.get("county", ""),
    }
    return ValidatedIdentity(IdentityMethod.RESIDENT_ID, number, details)


def validate_mobile(value: str, *, field_name: str = "number") -> ValidatedIdentity:
    """A mobile number (mainland numbers without +86 are accepted); stored in E.164."""
    if not isinstance(value, str) or not value.strip():
        raise IdentityError(field_name, "手机号码不能为空")
    try:
        parsed = phonenumbers.parse(value.strip(), "CN")
    except phonenumbers.NumberParseException:
        raise IdentityError(field_name, "手机号码格式不正确") from None
    if not phonenumbers.is_valid_number(parsed):
        raise IdentityError(field_name, "手机号码无效")
    kind = phonenumbers.number_type(parsed)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise IdentityError(field_name, "不是移动电话号码")
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # Loaded on first use: the carrier and region tables are ~200 MB and seconds of import, which
    # processes that never verify a mobile number (export jobs, most workers) should not carry.
    from phonenumbers import carrier, geocoder

    details = {
        "country_code": parsed.country_code,
        "carrier": carrier.name_for_number(parsed, "zh"),
        "region": geocoder.description_for_number(parsed, "zh"),
    }
    return ValidatedIdentity(IdentityMethod.MOBILE, number, details)


def uscc_org_class(number: str) -> str:
    """Classify by the registration-authority (1st) and organisation-type (2nd) characters."""
    authority, kind = number[0], number[1]
    if authority == "9":
        return OrgClass.ENTERPRISE
    if authority == "5":
        return OrgClass.SOCIAL_ORGANIZATION
    if authority == "1":
        return {"1": OrgClass.GOVERNMENT, "2": OrgClass.PUBLIC_INSTITUTION, "3": OrgClass.MASS_ORGANIZATION}.get(
            kind, OrgClass.OTHER
        )
    return OrgClass.OTHER


def validate_uscc(value: str, *, field_name: str = "number") -> ValidatedIdentity:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    if not isinstance(value, str) or not value.strip():
        raise IdentityError(field_name, "统一社会信用代码不能为空")
    try:
        number = uscc.validate(value.strip().upper())
    except stdnum_errors.ValidationError as exc:
        raise IdentityError(field_name, f"统一社会信用代码{_stdnum_message(exc)}") from None
    org_class = uscc_org_class(number)
    return ValidatedIdentity(
        IdentityMethod.USCC, number, {"region_code": number[2:8]}, org_class=org_class
    )


VALIDATORS = {
    IdentityMethod.MOBILE: validate_mobile,
    IdentityMethod.RESIDENT_ID: validate_resident_id,
    IdentityMethod.USCC: validate_uscc,
}


def validate(method: str, number: str, *, field_name: str = "number") -> ValidatedIdentity:
    try:
        validator = VALIDATORS[IdentityMethod(method)]
    except ValueError:
        raise IdentityError("method", f"不支持的认证方式：{method}") from None
    return validator(number, field_name=field_name)
