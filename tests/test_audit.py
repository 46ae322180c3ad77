"""The audit chain: every service writes its entry; an edited or removed row is detected."""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts import services
from accounts.identity import validate_mobile
from core.audit import record, verify_chain
from core.errors import ServiceError
from core.models import AuditEntry
from tests.audit_tamper import tamper


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
    with tamper():
        AuditEntry.objects.filter(pk=middle.pk).update(new={"tampered": True})
    _, broken, reason = verify_chain()
    assert broken.pk == middle.pk and "edited" in reason
    with pytest.raises(CommandError, match=f"seq {middle.seq}"):
        call_command("verify_audit")


def test_deleted_entry_detected(make_account):
    for _ in range(3):
        make_account()
    with tamper():
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
    assert services.identity_reveal(actor=supervisor, identity=ident, purpose="complaint", reason="投诉核查需要，案件 TS-1") == "+8613900139000"
    revealed = AuditEntry.objects.get(event="identity.revealed")
    assert revealed.new["reason"] == "投诉核查需要，案件 TS-1" and revealed.new["purpose"] == "complaint" and "13900139000" not in str(revealed.new)
    assert verify_chain()[1] is None


def test_rolled_back_service_leaves_no_entry(make_account):
    account = make_account()
    before = AuditEntry.objects.count()
    with pytest.raises(ServiceError), transaction.atomic():
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


# Owned lanes (PostgreSQL): a connection owns a lane for its lifetime and keeps the tail in memory.

def _append(event: str):
    with transaction.atomic():
        return record(event, actor=None)


@pytest.mark.django_db(transaction=True)
def test_an_owned_lane_appends_without_reading_its_tail_again():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _append("t.first")
    assert first.lane < 64
    with CaptureQueriesContext(connection) as queries:
        second = _append("t.second")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("pg_advisory" in s or "ORDER BY seq DESC" in s for s in sql), sql
    assert (second.lane, second.seq, second.prev_hash) == (first.lane, first.seq + 1, first.hash)
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_entry_does_not_move_the_cached_tail():
    first = _append("t.kept")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record("t.rolled_back", actor=None)
        1 / 0  # noqa: B018
    with transaction.atomic():
        outer = record("t.outer", actor=None)
        try:
            with transaction.atomic():
                record("t.inner_rolled_back", actor=None)
                raise ValueError
        except ValueError:
            pass
        last = record("t.after_savepoint", actor=None)
    after = _append("t.next")
    assert [outer.seq, last.seq, after.seq] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert AuditEntry.objects.filter(event__in=["t.rolled_back", "t.inner_rolled_back"]).count() == 0
    assert verify_chain()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_callback_that_writes_an_entry_sees_the_committed_tail():
    """An in-process job runs as a commit callback; registered before the transaction's own
    entries, it still runs after the cached tail has advanced past them."""
    from django.db import connection

    _append("t.first")  # this connection now owns a lane and knows its tail
    job_entries = []
    with transaction.atomic():
        transaction.on_commit(lambda: job_entries.append(_append("t.job")))
        one = record("t.one", actor=None)
        with transaction.atomic():
            two = record("t.two", actor=None)
    assert job_entries and job_entries[0].seq == two.seq + 1 == one.seq + 2
    assert connection._audit_owner.seq == job_entries[0].seq
    assert verify_chain()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_advance_the_tail():
    from django.db import connection

    first = _append("t.first")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record("t.gone", actor=None)
                raise ValueError
        except ValueError:
            pass
    assert connection._audit_owner.seq == first.seq
    assert _append("t.next").seq == first.seq + 1
    assert verify_chain()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stale_cached_tail_heals_without_an_error():
    """The remembered tail is only a hint: the INSERT checks it in the same statement, and a stale
    one costs a read of the real tail, not an error (before, the first append failed)."""
    from django.db import connection

    first = _append("t.one")
    connection._audit_owner.seq -= 1  # as if a commit had gone unseen
    assert _append("t.two").seq == first.seq + 1
    assert _append("t.three").seq == first.seq + 2
    assert verify_chain()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_connections_own_different_lanes_and_fall_back_when_all_are_taken():
    import threading

    import psycopg
    from django.db import connection, connections

    from core import audit

    lanes, errors = [], []
    together = threading.Barrier(4, timeout=30)  # all four connections are open at once

    def writer():
        try:
            lanes.append(_append("t.thread").lane)
            together.wait()
            for _ in range(4):
                lanes.append(_append("t.thread").lane)
            together.wait()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(lanes)) == 4 and all(lane < audit.OWNED_LANES for lane in lanes)

    # Another session holds every owned lane: a new connection appends to a shared lane.
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as hog:
        # A closed connection's lane frees when its server process has ended: retry briefly.
        # (A lane this thread's own connection owns stays taken, which is as good.)
        free = set(range(audit.OWNED_LANES))
        for _ in range(50):
            free = {lane for lane in free
                    if not hog.execute("SELECT pg_try_advisory_lock(%s, %s)", [audit._LOCK_KEY, lane]).fetchone()[0]}
            if not free:
                break
            time.sleep(0.1)
        shared = []
        t = threading.Thread(target=lambda: (shared.append(_append("t.shared").lane), connections.close_all()))
        t.start()
        t.join()
    assert shared and shared[0] >= audit.OWNED_LANES
    assert verify_chain()[1] is None
