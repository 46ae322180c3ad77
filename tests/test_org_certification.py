"""Organisation certification and qualification labels, decided by accounts' own services (Art 7,
9, 11): each decision is audited in accounts, whoever asks for it (a review case, a job)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import identity
from accounts import services as account_services
from accounts.models import AccountInfoVersion, OrgCertification, Qualification
from core.errors import ServiceError
from core.models import AuditEntry


@pytest.fixture
def pending_cert(make_account):
    account = make_account(kind="organization", name="星河科技")
    return account_services.org_certification_submit(
        actor=None, account=account, identity=identity.validate_uscc("91110108551385082Q"),
        full_name="北京星河科技有限公司", website="https://www.xinghe.com.cn", contact_person="王敏",
        contact_email="wm@example.cn")


def test_approving_puts_the_registered_name_on_the_account_and_is_audited(pending_cert, supervisor):
    cert = account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=True,
                                                     reason="营业执照核验一致")
    assert cert.status == "approved" and cert.reviewed_by == supervisor and cert.review_note == "营业执照核验一致"
    account = cert.account
    account.refresh_from_db()
    assert (account.org_name, account.org_uscc) == ("北京星河科技有限公司", "91110108551385082Q")
    assert AccountInfoVersion.objects.filter(account=account, source="moderation",
                                             reference=f"org_certification:{cert.pk}").exists()
    entry = AuditEntry.objects.get(event="org_certification.decided")
    assert entry.actor_label == "supervisor" and entry.subject_id == str(account.pk)
    assert entry.new == {"certification_id": cert.pk, "status": "approved", "reason": "营业执照核验一致"}


def test_refusing_changes_nothing_on_the_account(pending_cert, moderator):
    cert = account_services.org_certification_decide(actor=moderator, certification=pending_cert, approve=False,
                                                     reason="名称与执照不符")
    assert OrgCertification.objects.get(pk=cert.pk).status == "rejected"
    cert.account.refresh_from_db()
    assert cert.account.org_name == "" and cert.account.info_version == 1
    assert AuditEntry.objects.get(event="org_certification.decided").new["status"] == "rejected"


def test_only_a_supervisor_approves_and_a_decision_is_final(pending_cert, moderator, supervisor):
    with pytest.raises(ServiceError) as err:
        account_services.org_certification_decide(actor=moderator, certification=pending_cert, approve=True,
                                                  reason="通过")
    assert err.value.status == 403
    assert OrgCertification.objects.get(pk=pending_cert.pk).status == "pending"
    account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=False,
                                              reason="材料不全")
    with pytest.raises(ServiceError) as err:
        account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=True,
                                                  reason="补齐材料")
    assert (err.value.status, err.value.code) == (409, "illegal_transition")
    assert AuditEntry.objects.filter(event="org_certification.decided").count() == 1


def test_current_qualifications_are_approved_and_valid_today(make_account):
    account = make_account()
    today = timezone.localdate()

    def qualification(status, valid_until):
        return Qualification.objects.create(account=account, domain="medical", document_name="医师执业证书",
                                            document_number="1101", issuer="卫健委", status=status,
                                            valid_until=valid_until)

    current = {qualification("approved", None), qualification("approved", today),
               qualification("approved", today + dt.timedelta(days=30))}
    others = {qualification("approved", today - dt.timedelta(days=1)), qualification("pending", None),
              qualification("rejected", None), qualification("revoked", None)}
    assert set(Qualification.objects.current()) == current
    assert set(account.qualifications.current()) == current
    assert all(q.is_current for q in current) and not any(q.is_current for q in others)


# --- the official-website protection plan ---------------------------------------------------

import json  # noqa: E402

from django.core import mail  # noqa: E402

from accounts.models import OrgCertificationEmail  # noqa: E402
from core import workdays  # noqa: E402
from moderation.models import ReviewCase  # noqa: E402

SOCIAL = "511000005000000007"     # 5x: social organisation
ENTERPRISE = "91110108551385082Q"  # 9x: enterprise
ORGAN = "11100000000000000J"       # 11: state organ
INSTITUTION = "12100000400000000W"  # 12: public institution


def _apply(api, uid, **overrides):
    body = {"uscc": ENTERPRISE, "full_name": "北京星河科技有限公司", "short_name": "星河科技",
            "website": "https://www.xinghe.com.cn/about", "contact_person": "王敏",
            "contact_email": "wm@xinghe.com.cn", **overrides}
    r = api.post(f"/api/v1/accounts/{uid}/org-certifications", data=json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


@pytest.mark.parametrize("website,code", [
    ("", "string_too_short"), ("ftp://xinghe.com.cn", "invalid"), ("https://10.0.0.1/", "not_a_domain"),
    ("https://com.cn", "not_a_domain"), ("https://intranet.local", "not_a_domain")])
def test_website_is_required_and_a_registrable_domain(api, make_account, website, code):
    make_account(uid="w1", kind="organization", name="星河科技")
    status, body = _apply(api, "w1", website=website)
    assert status == 422 and body["errors"][0]["field"] == "website", body
    assert body["errors"][0]["code"] == code
    assert not OrgCertification.objects.exists()


def test_one_live_certification_per_uscc_and_per_website(api, make_account, supervisor):
    for uid in ("d1", "d2", "d3"):
        make_account(uid=uid, kind="organization", name=f"机构{uid}")
    assert _apply(api, "d1")[0] == 201
    status, body = _apply(api, "d2", website="https://other.cn")
    assert status == 409 and body["errors"][0]["field"] == "uscc"
    status, body = _apply(api, "d3", uscc=SOCIAL, website="http://news.xinghe.com.cn")  # same registrable domain
    assert status == 409 and body["errors"][0]["field"] == "website"
    first = OrgCertification.objects.get()
    account_services.org_certification_decide(actor=supervisor, certification=first, approve=False, reason="材料不全")
    assert _apply(api, "d2", website="https://other.cn")[0] == 201  # a refused one is no longer live


def test_review_due_in_five_working_days_on_the_calendar(api, make_account, monkeypatch):
    # Wed 30 Sep 2026: National Day 1–7 Oct; Sat 10 Oct is a make-up working day.
    moment = dt.datetime(2026, 9, 30, 10, 0, tzinfo=workdays.SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    make_account(uid="t1", kind="organization", name="星河科技")
    assert _apply(api, "t1")[0] == 201
    cert = OrgCertification.objects.get()
    expected = workdays.add_working_days(dt.date(2026, 9, 30), 5)
    assert expected == dt.date(2026, 10, 13)
    assert timezone.localtime(cert.due_at).date() == expected
    assert ReviewCase.objects.get(org_certification=cert).due_at == cert.due_at  # the queue's deadline


def test_queue_shows_the_working_day_countdown_and_overdue_cases(api, make_account, login, supervisor, monkeypatch):
    moment = dt.datetime(2026, 11, 20, 9, 0, tzinfo=workdays.SHANGHAI)  # a Friday
    monkeypatch.setattr(timezone, "now", lambda: moment)
    make_account(uid="q1", kind="organization", name="星河科技")
    assert _apply(api, "q1")[0] == 201
    html = login(supervisor).get("/moderation/cases/").content.decode()
    assert "剩 5 个工作日" in html
    later = dt.datetime(2026, 11, 30, 9, 0, tzinfo=workdays.SHANGHAI)  # Mon after the Fri 27 Nov deadline
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = login(supervisor).get("/moderation/cases/?due=overdue").content.decode()
    assert "逾期 1 个工作日" in html and "q1" in html


@pytest.mark.parametrize("uscc,label", [
    (SOCIAL, "官方 · 社会组织"), (ENTERPRISE, "官方 · 企业"), (ORGAN, "官方 · 国家机关"),
    (INSTITUTION, "官方 · 事业单位")])
def test_label_by_uscc_class_on_profile_and_page_removed_on_revocation(
        api, make_account, supervisor, login, uscc, label, django_capture_on_commit_callbacks):
    account = make_account(uid="l1", kind="organization", name="某机构")
    assert _apply(api, "l1", uscc=uscc)[0] == 201
    profile = api.get("/api/v1/accounts/l1/public-profile").json()
    assert profile["org_label"] is None  # pending: no label yet
    cert = OrgCertification.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        account_services.org_certification_decide(actor=supervisor, certification=cert, approve=True, reason="一致")
    profile = api.get("/api/v1/accounts/l1/public-profile").json()
    assert profile["org_label"]["text"] == label
    assert label in login(supervisor).get(f"/accounts/{account.uid}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = login(supervisor).post(f"/accounts/org-certifications/{cert.pk}/revoke/", {"reason": "网站已停用"})
    assert r.status_code == 302
    assert api.get("/api/v1/accounts/l1/public-profile").json()["org_label"] is None
    assert label not in login(supervisor).get(f"/accounts/{account.uid}/").content.decode()
    assert AuditEntry.objects.filter(event="org_certification.revoked").exists()


def test_moderator_cannot_revoke(pending_cert, supervisor, moderator, login):
    account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=True, reason="一致")
    assert login(moderator).post(f"/accounts/org-certifications/{pending_cert.pk}/revoke/",
                                 {"reason": "x"}).status_code == 403
    with pytest.raises(ServiceError):
        account_services.org_certification_revoke(actor=moderator, certification=pending_cert, reason="x")
    assert OrgCertification.objects.get(pk=pending_cert.pk).status == "approved"


def test_outcome_is_emailed_to_the_contact_and_recorded(pending_cert, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=False,
                                                  reason="营业执照名称与申请不符")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wm@example.cn"] and "未通过" in message.subject
    assert "营业执照名称与申请不符" in message.body
    email = OrgCertificationEmail.objects.get()
    assert (email.outcome, email.status) == ("rejected", "sent") and email.sent_at is not None
    entry = AuditEntry.objects.get(event="org_certification.emailed")
    assert entry.new["status"] == "sent" and "wm@example.cn" not in json.dumps(entry.new)


def test_approval_email_names_the_label_and_a_failed_delivery_is_recorded(pending_cert, supervisor, monkeypatch):
    from accounts import mail as certification_mail

    account_services.org_certification_decide(actor=supervisor, certification=pending_cert, approve=True, reason="一致")
    email = OrgCertificationEmail.objects.get()  # written with the decision, sent after commit
    assert (email.outcome, email.status) == ("approved", "pending") and "官方 · 企业" in email.body

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(certification_mail, "send_mail", refused)
    assert certification_mail.outcome_email_send(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert (email.status, email.error, email.sent_at) == ("failed", "ConnectionRefusedError", None)
    monkeypatch.undo()
    assert certification_mail.outcome_email_send(email_id=email.pk) == "sent" and len(mail.outbox) == 1
    assert [e.new["status"] for e in AuditEntry.objects.filter(event="org_certification.emailed").order_by("id")] == [
        "failed", "sent"]
