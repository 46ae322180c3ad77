"""Staff pages and reveals are never cached; a reveal states a purpose from the list and a real
explanation (issue 11 §3)."""

from __future__ import annotations

import pytest

from core.errors import ServiceError
from core.models import AuditEntry
from core.reveal import check_reveal_reason


@pytest.fixture
def subject(make_account):
    account = make_account(uid="m1", mobile="13800138000")
    return {"uid": account.uid, "identity": account.identities.get().pk}


STAFF_PAGES = ["/", "/accounts/", "/accounts/{uid}/", "/accounts/identities/{identity}/reveal/",
               "/complaints/", "/records/audit/", "/moderation/cases/", "/reports/"]


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_every_staff_page_is_no_store(login, supervisor, subject, url):
    r = login(supervisor).get(url.format(**subject))
    assert r.status_code == 200, url
    assert _no_store(r) and "private" in r["Cache-Control"], url


def test_reveal_answer_with_the_number_is_no_store(login, supervisor, subject):
    r = login(supervisor).post(f"/accounts/identities/{subject['identity']}/reveal/",
                               {"purpose": "authority", "reason": "公安协查函 2026-118 核对身份"})
    assert "+8613800138000" in r.content.decode()
    assert _no_store(r)


def test_api_answers_are_no_store(api):
    r = api.get("/api/v1/accounts/nobody-here")
    assert _no_store(r)


@pytest.mark.parametrize(("purpose", "reason", "field"), [
    ("", "投诉核查 #12，核对协查函", "purpose"),
    ("curious", "投诉核查 #12，核对协查函", "purpose"),
    ("complaint", "核查", "reason"),
    ("complaint", "aaaaaaaaaaaaaa", "reason"),
    ("complaint", "。。。。。。。。。。。。", "reason"),
    ("complaint", "x" * 301 + "abcd", "reason"),
])
def test_reveal_reason_is_checked(purpose, reason, field):
    with pytest.raises(ServiceError) as exc:
        check_reveal_reason(purpose, reason)
    assert exc.value.field == field


def test_reveal_page_refuses_a_short_reason_under_the_field(login, supervisor, subject):
    url = f"/accounts/identities/{subject['identity']}/reveal/"
    r = login(supervisor).post(url, {"purpose": "complaint", "reason": "投诉核查"})
    text = r.content.decode()
    assert "+8613800138000" not in text and "至少 10 个字" in text
    assert not AuditEntry.objects.filter(event="identity.revealed").exists()
    r = login(supervisor).post(url, {"reason": "投诉核查 #12，核对协查函"})
    assert "+8613800138000" not in r.content.decode()


def test_reveal_service_checks_the_reason_itself(supervisor, subject):
    from accounts import services
    from accounts.models import IdentityVerification

    ident = IdentityVerification.objects.get(pk=subject["identity"])
    with pytest.raises(ServiceError) as exc:
        services.identity_reveal(actor=supervisor, identity=ident, purpose="complaint", reason="看看")
    assert exc.value.field == "reason"
