"""The audit chain: every service writes its entry; an edited or removed row is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts import services
from accounts.identity import validate_mobile
from core.audit import record, verify_chain
from core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_record_requires_transaction():
    with pytest.raises(RuntimeError):
        record("x.y", actor=None)


def test_chain_intact_then_edit_detected(make_account):
    for _ in range(3):
        make_account()
    checked, broken, _ = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count() >= 3
    call_command("verify_audit")
    middle = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=middle.pk).update(new={"tampered": True})
    _, broken, reason = verify_chain()
    assert broken.pk == middle.pk and "edited" in reason
    with pytest.raises(CommandError, match=f"seq {middle.seq}"):
        call_command("verify_audit")


def test_deleted_entry_detected(make_account):
    for _ in range(3):
        make_account()
    AuditEntry.objects.order_by("id")[1].delete()
    _, broken, reason = verify_chain()
    assert broken is not None and "missing" in reason


def test_services_write_audit_entries(make_account, supervisor):
    account = make_account(name="小明")
    assert AuditEntry.objects.filter(event="account.created", subject_id=str(account.pk)).exists()
    services.account_apply_info(actor=supervisor, account=account, info={"bio": "新的简介"})
    e = AuditEntry.objects.get(event="account.info_applied")
    assert e.actor_label == "supervisor" and e.new["bio"] == "新的简介" and e.old["bio"] == ""
    services.identity_add(actor=supervisor, account=account, identity=validate_mobile("13900139000"))
    assert AuditEntry.objects.get(event="identity.verified").new["masked"] == "+86139****9000"
    services.account_record_activity(actor=None, account=account, ip="114.114.114.114")
    assert AuditEntry.objects.get(event="account.ip_location_changed").new == {"ip_location": "江苏"}
    ident = account.identities.get()
    assert services.identity_reveal(actor=supervisor, identity=ident, reason="投诉核查需要") == "+8613900139000"
    revealed = AuditEntry.objects.get(event="identity.revealed")
    assert revealed.new["reason"] == "投诉核查需要" and "13900139000" not in str(revealed.new)
    assert verify_chain()[1] is None


def test_rolled_back_service_leaves_no_entry(make_account):
    account = make_account()
    before = AuditEntry.objects.count()
    with pytest.raises(services.ServiceError), transaction.atomic():
        services.account_apply_info(actor=None, account=account, info={"nonexistent": "x"})
    assert AuditEntry.objects.count() == before


def test_rolled_back_savepoint_does_not_fork_the_chain(make_account):
    from core.audit import record as rec

    account = make_account()
    with transaction.atomic():
        rec("test.one", actor=None, subject=account)
        try:
            with transaction.atomic():
                rec("test.two", actor=None, subject=account)
                raise RuntimeError
        except RuntimeError:
            pass
        rec("test.three", actor=None, subject=account)
    assert verify_chain()[1] is None
    assert list(AuditEntry.objects.filter(event__startswith="test.").order_by("id").values_list("event", flat=True)) \
        == ["test.one", "test.three"]


@pytest.mark.django_db(transaction=True)
def test_chain_across_committed_and_rolled_back_transactions():
    from core.audit import record as rec

    for i in range(3):
        with transaction.atomic():
            rec("t.a", actor=None, new={"i": i})
            rec("t.b", actor=None, new={"i": i})
    try:
        with transaction.atomic():
            rec("t.lost", actor=None)
            raise RuntimeError
    except RuntimeError:
        pass
    with transaction.atomic():
        rec("t.after", actor=None)
    checked, broken, reason = verify_chain()
    assert broken is None, reason
    assert checked == 7
