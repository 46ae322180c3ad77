"""Review cases: one open case per subject and reason, claim-next under concurrency, release,
reassign, claim expiry, strict review for supervisors only — each recorded."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.models import AuditEntry
from moderation import services
from moderation.choices import CaseReason, CaseStatus
from moderation.models import ReviewCase
from tests.conftest import _user


def test_one_open_case_per_subject_and_reason(make_account):
    account = make_account()
    a = services.case_open(actor=None, account=account, reason=CaseReason.COMPLAINT, source="complaint:1",
                           findings=[{"article": "8.2", "rule": "x", "field": "name", "span": [0, 1]}])
    b = services.case_open(actor=None, account=account, reason=CaseReason.COMPLAINT, source="complaint:2",
                           findings=[{"article": "8.6", "rule": "y", "field": "bio", "span": [0, 1]}])
    c = services.case_open(actor=None, account=account, reason=CaseReason.RECHECK, source="recheck:1")
    assert a.pk == b.pk != c.pk
    a.refresh_from_db()
    assert a.articles == ["8.2", "8.6"]
    assert AuditEntry.objects.filter(event="case.source_attached", subject_id=str(a.pk)).count() == 1


def test_claim_next_oldest_due_first_and_skips_strict_for_moderators(claim_path, make_account, moderator,
                                                                     supervisor):
    old = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    strict = services.case_open(actor=None, account=make_account(), reason=CaseReason.STRICT_REVIEW, source="t",
                                requires_supervisor=True)
    ReviewCase.objects.filter(pk=strict.pk).update(due_at=timezone.now() - dt.timedelta(hours=5))
    ReviewCase.objects.filter(pk=old.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert services.case_claim_next(actor=moderator).pk == old.pk
    assert services.case_claim_next(actor=moderator) is None
    assert services.case_claim_next(actor=supervisor).pk == strict.pk


@pytest.fixture(params=["one_statement", "orm"])
def claim_path(request, monkeypatch):
    """claim-next is one SQL statement on PostgreSQL and the ORM elsewhere (SQLite): both must
    behave alike, so these tests run each path on the test database."""
    from moderation.services import cases

    if request.param == "orm":
        monkeypatch.setattr(cases, "_claim_next_in_one_statement", cases._claim_next_orm)
    return request.param


def test_claim_next_takes_over_an_expired_claim_and_records_whose_it_was(claim_path, make_account, moderator,
                                                                          moderator2):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    services.case_claim(actor=moderator, case=case)
    assert services.case_claim_next(actor=moderator2) is None  # a live claim is nobody else's to take
    ReviewCase.objects.filter(pk=case.pk).update(claim_expires_at=timezone.now() - dt.timedelta(minutes=1))
    taken = services.case_claim_next(actor=moderator2)
    assert taken.pk == case.pk
    case.refresh_from_db()
    assert case.status == CaseStatus.CLAIMED and case.assignee == moderator2
    assert case.claim_expires_at > timezone.now()
    claims = list(AuditEntry.objects.filter(event="case.claimed", subject_id=str(case.pk)).order_by("id"))
    assert [(c.old, c.new) for c in claims] == [
        ({"assignee": None}, {"assignee": "moderator"}),
        ({"assignee": "moderator"}, {"assignee": "moderator2"}),
    ]


def test_claim_next_filters_by_reason(claim_path, make_account, moderator):
    change = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    complaint = services.case_open(actor=None, account=make_account(), reason=CaseReason.COMPLAINT, source="t")
    ReviewCase.objects.filter(pk=change.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert services.case_claim_next(actor=moderator, reason=CaseReason.COMPLAINT).pk == complaint.pk
    assert services.case_claim_next(actor=moderator, reason=CaseReason.COMPLAINT) is None
    assert services.case_claim_next(actor=moderator).pk == change.pk


def test_strict_case_decided_only_by_supervisor(make_account, moderator, supervisor):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.STRICT_REVIEW, source="t",
                              requires_supervisor=True)
    with pytest.raises(services.ModerationError) as err:
        services.case_decide(actor=moderator, case=case, decision="approve")
    assert err.value.status == 403
    services.case_decide(actor=supervisor, case=case, decision="approve")
    assert ReviewCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED


def test_release_reassign_and_expiry_are_recorded(make_account, moderator, moderator2, supervisor):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    services.case_claim(actor=moderator, case=case)
    with pytest.raises(services.ModerationError):
        services.case_claim(actor=moderator2, case=case)
    services.case_release(actor=moderator, case=case, reason="需要同事协助")
    services.case_reassign(actor=supervisor, case=case, assignee=moderator2)
    with pytest.raises(services.ModerationError):
        services.case_reassign(actor=moderator, case=case, assignee=moderator)
    ReviewCase.objects.filter(pk=case.pk).update(claim_expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.release_expired_claims() == 1
    assert services.release_expired_claims() == 0
    events = list(AuditEntry.objects.filter(subject_id=str(case.pk), subject_type="moderation.reviewcase")
                  .order_by("id").values_list("event", flat=True))
    assert events == ["case.opened", "case.claimed", "case.released", "case.reassigned", "case.claim_expired"]


def test_decision_needs_article_and_reason(make_account, moderator):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    with pytest.raises(services.ModerationError) as err:
        services.case_decide(actor=moderator, case=case, decision="reject", reason="不行")
    assert err.value.field == "articles"
    with pytest.raises(services.ModerationError) as err:
        services.case_decide(actor=moderator, case=case, decision="reject", articles=["8.2"])
    assert err.value.field == "reason"


def test_note_is_recorded_and_not_in_notices(make_account, moderator):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    services.case_add_note(actor=moderator, case=case, text="疑似批量注册，需关注关联账号")
    services.case_decide(actor=moderator, case=case, decision="reject", articles=["8.2"], reason="冒充机构")
    assert AuditEntry.objects.filter(event="case.note_added").exists()
    from moderation.models import Notice

    assert not Notice.objects.filter(body__contains="批量注册").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_next_under_concurrency_never_hands_a_case_out_twice(make_account):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL (make test)"
    moderators = [_user(f"mod{i:02d}", "moderator") for i in range(20)]
    for _ in range(60):
        services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    claimed: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)
    lock = threading.Lock()

    def work(user):
        try:
            barrier.wait()
            while True:
                case = services.case_claim_next(actor=user)
                if case is None:
                    break
                with lock:
                    claimed.append((user.username, case.pk))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in moderators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    ids = [pk for _u, pk in claimed]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert len({u for u, _pk in claimed}) > 1
    assert ReviewCase.objects.filter(status="claimed").count() == 60


def test_services_check_permissions(make_account, nobody, moderator, supervisor, supervisor2):
    case = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    for call in (lambda: services.case_claim(actor=nobody, case=case),
                 lambda: services.case_claim_next(actor=nobody),
                 lambda: services.case_add_note(actor=nobody, case=case, text="x")):
        with pytest.raises(services.ModerationError) as err:
            call()
        assert err.value.status == 403
    from moderation.choices import MeasureKind

    account = make_account()
    with pytest.raises(services.ModerationError):
        services.measure_apply(actor=nobody, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"], reason="夸大")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.2"], reason="冒充")
    services.measure_approve(actor=supervisor2, measure=m)
    with pytest.raises(services.ModerationError) as err:
        services.measure_lift(actor=moderator, measure=m, reason="我想解除")
    assert err.value.status == 403
    services.measure_lift(actor=supervisor, measure=m, reason="复议撤销")


def test_no_action_refused_while_submissions_wait(submit, make_account, moderator):
    make_account(uid="na1", name="小明")
    _s, body = submit("na1", {"name": "张医生"}, kind="change")
    case = ReviewCase.objects.get(pk=body["case_id"])
    with pytest.raises(services.ModerationError) as err:
        services.case_decide(actor=moderator, case=case, decision="no_action")
    assert err.value.field == "decision"


def test_qualification_labels_need_a_supervisor(make_account, moderator, supervisor):
    from accounts import services as account_services

    account = make_account()
    q = account_services.qualification_submit(actor=None, account=account, data=account_services.QualificationInput(
        domain="medical", document_name="医师执业证书", document_number="1101", issuer="卫健委"))
    case = ReviewCase.objects.get(qualification=q)
    assert case.requires_supervisor
    other = services.case_open(actor=None, account=make_account(), reason=CaseReason.CHANGE, source="t")
    with pytest.raises(services.ModerationError) as err:
        services.case_decide(actor=moderator, case=other, decision="approve_with_label", label_domain="news")
    assert err.value.status == 403
    services.case_decide(actor=supervisor, case=case, decision="approve")
    q.refresh_from_db()
    assert q.status == "approved"


def test_certification_approval_is_a_versioned_change(make_account, supervisor):
    from accounts import identity
    from accounts import services as account_services
    from accounts.models import AccountInfoVersion

    account = make_account(kind="organization", name="星河科技")
    account_services.org_certification_submit(
        actor=None, account=account, identity=identity.validate_uscc("91110108551385082Q"),
        full_name="北京星河科技有限公司", website="https://www.xinghe.com.cn", contact_person="王敏",
        contact_email="wm@example.cn")
    case = ReviewCase.objects.get(account=account, reason=CaseReason.ORG_CERTIFICATION)
    services.case_decide(actor=supervisor, case=case, decision="approve")
    account.refresh_from_db()
    assert account.org_name == "北京星河科技有限公司" and account.info_version == 2
    assert AccountInfoVersion.objects.filter(account=account, source="moderation").exists()
