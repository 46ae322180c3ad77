"""Real-name identity validation with real checksum cases (Art 9)."""

import datetime as dt

import pytest

from accounts.choices import OrgClass
from accounts.identity import IdentityError, validate, validate_mobile, validate_resident_id, validate_uscc


@pytest.mark.parametrize("number", ["110101199003071233", "44030519851212002X", "44030519851212002x",
                                    "110101 19900307 1233"])
def test_valid_resident_ids(number):
    v = validate_resident_id(number)
    assert v.number in ("110101199003071233", "44030519851212002X")
    assert v.details["birth_year"] in (1990, 1985)
    assert v.masked.startswith(v.number[:3]) and "*" in v.masked and v.masked.endswith(v.number[-4:])


@pytest.mark.parametrize(("number", "problem"), [
    ("110101199003071234", "校验码"),  # wrong check digit
    ("11010119900307123", "长度"),  # 17 digits
    ("1101011990030712333", "长度"),
    ("1101011990030A1233", "格式"),
    ("", "不能为空"),
])
def test_invalid_resident_ids(number, problem):
    with pytest.raises(IdentityError) as err:
        validate_resident_id(number)
    assert problem in err.value.message
    assert err.value.field == "number"


def test_resident_id_birth_in_future_refused():
    from stdnum.cn import ric

    body = "11010120990101123"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(IdentityError) as err:
        validate_resident_id(number, today=dt.date(2026, 11, 22))
    assert "出生日期" in err.value.message or "无效" in err.value.message


def test_resident_id_bad_area_code_refused():
    from stdnum.cn import ric

    body = "99010119900307123"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(IdentityError):
        validate_resident_id(number)


@pytest.mark.parametrize("number", ["13800138000", "+86 138 0013 8000", "138-0013-8000", "+8613800138000"])
def test_valid_mobiles(number):
    v = validate_mobile(number)
    assert v.number == "+8613800138000"
    assert v.details["carrier"] == "中国移动"
    assert v.masked == "+86138****8000"


@pytest.mark.parametrize("number", ["12345", "010-12345678", "1380013800", "abc", "+86 138 0013 800"])
def test_invalid_mobiles(number):
    with pytest.raises(IdentityError):
        validate_mobile(number)


@pytest.mark.parametrize(("prefix", "org_class"), [
    ("91", OrgClass.ENTERPRISE), ("92", OrgClass.ENTERPRISE), ("51", OrgClass.SOCIAL_ORGANIZATION),
    ("52", OrgClass.SOCIAL_ORGANIZATION), ("11", OrgClass.GOVERNMENT), ("12", OrgClass.PUBLIC_INSTITUTION),
    ("13", OrgClass.MASS_ORGANIZATION), ("31", OrgClass.OTHER), ("81", OrgClass.OTHER), ("71", OrgClass.OTHER),
])
def test_uscc_classification(prefix, org_class):
    from stdnum.cn import uscc

    body = prefix + "110108551385082"
    number = body + uscc.calc_check_digit(body)
    assert validate_uscc(number).org_class == org_class


def test_known_valid_usccs():
    assert validate_uscc("91110108551385082Q").number == "91110108551385082Q"
    assert validate_uscc("91440300MA5F0XYY15").org_class == OrgClass.ENTERPRISE


@pytest.mark.parametrize("number", ["91110108551385082A", "9111010855138508", "I1110108551385082Q", ""])
def test_invalid_usccs(number):
    with pytest.raises(IdentityError) as err:
        validate_uscc(number)
    assert err.value.message.startswith("统一社会信用代码")


def test_unknown_method():
    with pytest.raises(IdentityError) as err:
        validate("passport", "E12345678")
    assert err.value.field == "method"
