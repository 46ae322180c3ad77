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
        full_name="北京星河科技有限公司", contact_person="王敏", contact_email="wm@example.cn")


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
