"""Art 13 through the real submission API: a public account's block must be complete and valid."""

import pytest

from accounts import identity
from accounts.models import Account
from accounts.services import identity_add

USCC = "91110108551385082Q"
OTHER_USCC = "91310000MA1FL0000N"
BLOCK = {"operator_name": "北京星河科技有限公司", "operator_address": "北京市海淀区中关村大街1号",
         "content_category": "科技", "uscc": USCC, "contact": "service@xinghe.example.cn"}


def _fields(body):
    return {e["field"]: e["code"] for e in body["errors"]}


def test_public_registration_without_block_names_every_missing_field(submit):
    status, body = submit("p1", {"name": "星河科技"}, account_kind="organization", is_public_account=True)
    assert status == 422
    assert _fields(body) == {f"info.{k}": "required" for k in BLOCK}
    assert "运营主体" in body["detail"] and "有效联系方式" in body["detail"]
    assert not Account.objects.filter(uid="p1").exists()


def test_public_registration_with_complete_block_is_allowed(submit):
    status, body = submit("p2", {"name": "星河科技", **BLOCK}, account_kind="organization", is_public_account=True)
    assert status == 201 and body["decision"] == "allow"
    assert Account.objects.get(uid="p2").is_public_account


def test_invalid_uscc_and_contact_are_refused(submit):
    info = {"name": "星河科技", **BLOCK, "uscc": "91110108551385082A", "contact": "打电话"}
    status, body = submit("p3", info, account_kind="organization", is_public_account=True)
    assert status == 422
    assert _fields(body) == {"info.uscc": "invalid", "info.contact": "invalid"}
    assert "校验码" in next(e["message"] for e in body["errors"] if e["field"] == "info.uscc")


def test_phone_contact_is_valid(submit):
    status, body = submit("p4", {"name": "星河科技", **BLOCK, "contact": "010-62345678"},
                          account_kind="organization", is_public_account=True)
    assert status == 201, body


def test_uscc_must_match_the_verified_organisation_identity(submit):
    info = {"name": "星河科技", **BLOCK, "uscc": OTHER_USCC}
    status, body = submit("p5", info, account_kind="organization", is_public_account=True,
                          identity={"method": "uscc", "number": USCC})
    assert status == 422 and _fields(body) == {"info.uscc": "mismatch"}
    status, body = submit("p5", {**info, "uscc": USCC}, account_kind="organization", is_public_account=True,
                          identity={"method": "uscc", "number": USCC})
    assert status == 201, body


@pytest.mark.django_db
def test_change_leaving_a_gap_is_refused_and_existing_verified_identity_is_matched(submit, make_account):
    account = make_account(uid="p6", name="星河科技", kind="organization", is_public_account=True, **BLOCK)
    identity_add(actor=None, account=account, identity=identity.validate_uscc(USCC))
    status, body = submit("p6", {"contact": ""}, kind="change")
    assert status == 422 and _fields(body) == {"info.contact": "required"}
    status, body = submit("p6", {"uscc": OTHER_USCC}, kind="change")
    assert status == 422 and _fields(body) == {"info.uscc": "mismatch"}
    status, body = submit("p6", {"bio": "新简介"}, kind="change")
    assert status == 201, body


def test_private_accounts_need_no_block(submit, make_account):
    status, _body = submit("p7", {"name": "普通用户"})
    assert status == 201


def test_dashboard_and_account_list_show_public_accounts_with_gaps(make_account, login, supervisor):
    make_account(uid="g1", name="缺地址", kind="organization", is_public_account=True,
                 **{**BLOCK, "operator_address": ""})
    make_account(uid="g2", name="齐全", kind="organization", is_public_account=True, **BLOCK)
    make_account(uid="g3", name="个人", is_public_account=False)
    client = login(supervisor)
    html = client.get("/").content.decode()
    assert "公众账号 Art 13 信息不全" in html and "?art13_incomplete=true" in html
    listed = client.get("/accounts/?art13_incomplete=true").content.decode()
    assert "g1" in listed and "g2" not in listed and "g3" not in listed
