"""The Art 15 flow on PostgreSQL + Redis (jobs inline): a run finds, opens one case per account,
a moderator confirms → suspended with a notice and a working-day deadline; a passing change
lifts it; a missed deadline proposes close to supervisors (four eyes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account
from core.errors import ServiceError
from core.workdays import add_working_days
from moderation.choices import CaseDecision, CaseReason, MeasureKind, MeasureState
from moderation.models import Measure, Notice, ReviewCase
from moderation.services.cases import case_decide
from moderation.services.measures import measure_approve
from rechecks.choices import CorrectionState, RunStatus
from rechecks.models import RecheckCorrection, RecheckResult, RecheckRun
from rechecks.services import corrections, runs

pytestmark = pytest.mark.postgres

BAD_NAME = "加微信abc12345"  # Art 8.6 contact details in the name


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    def _start(actor=None, scope="all", **kw) -> RecheckRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = runs.recheck_start(actor=actor, scope=scope, **kw)
        run.refresh_from_db()
        return run

    return _start


def _accounts(make_account, clean=5, bad=2):
    good = [make_account(name=f"读书人{i}", mobile=f"1380013800{i}") for i in range(clean)]
    flagged = [make_account(name=BAD_NAME + str(i), mobile=f"1390013900{i}") for i in range(bad)]
    return good, flagged


def test_a_run_checks_every_account_and_opens_one_case_per_flagged_account(make_account, start, settings):
    settings.QINGLANG_RECHECKS = {"chunk_size": 3}
    good, flagged = _accounts(make_account)
    run = start()
    assert run.status == RunStatus.FINISHED
    assert (run.total, run.checked, run.clean, run.flagged, run.errors) == (7, 7, 5, 2, 0)
    assert run.chunks_total == 3 and run.chunks_done == 3
    assert run.cases_opened == 2 and run.ruleset
    cases = ReviewCase.objects.filter(reason=CaseReason.RECHECK)
    assert sorted(cases.values_list("subject_uid", flat=True)) == sorted(a.uid for a in flagged)
    assert "8.6" in cases.first().articles
    assert Account.objects.filter(last_rechecked_at__isnull=True).count() == 0
    # a second run joins the open cases: never two for one account
    run2 = start()
    assert run2.flagged == 2 and run2.cases_opened == 0
    assert ReviewCase.objects.filter(reason=CaseReason.RECHECK).count() == 2
    assert RecheckResult.objects.filter(run=run2).count() == 2


def test_only_one_active_run_per_scope(make_account, supervisor, settings):
    make_account(name="读书人")
    first = runs.recheck_start(actor=supervisor, scope="all")  # not committed: stays running
    with pytest.raises(ServiceError) as exc:
        runs.recheck_start(actor=supervisor, scope="all")
    assert exc.value.field == "scope" and exc.value.code == "run_active" and f"#{first.pk}" in exc.value.message
    assert runs.recheck_start(actor=None, scope="all", join=True).pk == first.pk
    assert runs.recheck_start(actor=supervisor, scope="kind=organization").pk != first.pk


def test_bad_scope_names_the_field(supervisor):
    with pytest.raises(ServiceError) as exc:
        runs.recheck_start(actor=supervisor, scope="everything")
    assert exc.value.field == "scope"
    with pytest.raises(ServiceError) as exc:
        runs.recheck_start(actor=supervisor, scope="since=2026-13-01")
    assert exc.value.field == "scope"


def test_only_supervisors_start_pause_and_cancel(make_account, moderator, supervisor, start):
    make_account(name="读书人")
    with pytest.raises(ServiceError) as exc:
        runs.recheck_start(actor=moderator, scope="all")
    assert exc.value.status == 403
    run = runs.recheck_start(actor=supervisor, scope="all")
    for action in (runs.recheck_pause, runs.recheck_cancel):
        with pytest.raises(ServiceError):
            action(actor=moderator, run=run)
    run = runs.recheck_pause(actor=supervisor, run=run)
    assert run.status == RunStatus.PAUSED
    run = runs.recheck_cancel(actor=supervisor, run=run)
    assert run.status == RunStatus.CANCELLED
    with pytest.raises(ServiceError) as exc:
        runs.recheck_resume(actor=supervisor, run=run)
    assert exc.value.code == "illegal_transition"


def test_pause_and_resume(make_account, supervisor, django_capture_on_commit_callbacks, settings):
    settings.QINGLANG_RECHECKS = {"chunk_size": 2}
    _accounts(make_account, clean=3, bad=1)
    run = runs.recheck_start(actor=supervisor, scope="all")
    runs.plan(run)  # planned, chunk jobs waiting for commit
    runs.recheck_pause(actor=supervisor, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        pass
    run.refresh_from_db()
    assert run.status == RunStatus.PAUSED and run.checked == 0
    with django_capture_on_commit_callbacks(execute=True):
        pass
    from rechecks.services.chunks import chunk_process

    for chunk in run.chunks.all():  # the queued jobs start while paused: they park
        chunk_process(chunk.pk)
    assert set(run.chunks.values_list("status", flat=True)) == {"pending"}
    with django_capture_on_commit_callbacks(execute=True):
        runs.recheck_resume(actor=supervisor, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.checked == 4 and run.flagged == 1


def _confirm(moderator, uid):
    case = ReviewCase.objects.get(subject_uid=uid, reason=CaseReason.RECHECK)
    return corrections.recheck_case_confirm(actor=moderator, case=case, reason="名称含联系方式")


def test_confirmed_finding_suspends_with_notice_and_deadline_then_correction_lifts(
        make_account, moderator, start, django_capture_on_commit_callbacks):
    _good, (bad,) = _accounts(make_account, clean=1, bad=1)
    start()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(moderator, bad.uid)
    bad.refresh_from_db()
    assert bad.status == "suspended"
    correction = RecheckCorrection.objects.get(account=bad)
    assert correction.state == CorrectionState.OPEN
    expected = add_working_days(timezone.localdate(), 15)
    assert timezone.localtime(correction.deadline).date() == expected
    suspend = correction.measure
    assert suspend.kind == MeasureKind.SUSPEND and "15" in suspend.legal_basis
    notice = Notice.objects.filter(account=bad, deadline__isnull=False).get()
    assert "第十五条" in notice.body and notice.deadline == correction.deadline
    # a change that still fails keeps the suspension
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_apply_info(actor=None, account=bad, info={"bio": "仍然 加微信abc12345"})
    assert RecheckCorrection.objects.get(pk=correction.pk).state == CorrectionState.OPEN
    # the corrected information passes: lifted automatically
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_apply_info(actor=None, account=bad, info={"name": "读书的人", "bio": ""})
    correction.refresh_from_db()
    bad.refresh_from_db()
    assert correction.state == CorrectionState.CORRECTED and bad.status == "active"
    assert Measure.objects.get(pk=suspend.pk).state == MeasureState.LIFTED


def test_deadline_passed_proposes_close_to_supervisors(make_account, moderator, supervisor, supervisor2, start):
    _good, (bad,) = _accounts(make_account, clean=0, bad=1)
    start()
    _confirm(moderator, bad.uid)
    correction = RecheckCorrection.objects.get(account=bad)
    assert corrections.sweep_overdue(now=timezone.now()) == 0
    later = correction.deadline + dt.timedelta(minutes=1)
    assert corrections.sweep_overdue(now=later) == 1
    assert corrections.sweep_overdue(now=later) == 0  # idempotent
    correction.refresh_from_db()
    assert correction.state == CorrectionState.OVERDUE
    case = correction.close_case
    assert case.is_open and case.requires_supervisor and case.reason == CaseReason.RECHECK
    assert case.findings[0]["rule"] == "recheck.correction_overdue"
    with pytest.raises(ServiceError):  # a moderator cannot decide it
        case_decide(actor=moderator, case=case, decision=CaseDecision.MEASURE, articles=["15"], reason="逾期未改正",
                    measure={"kind": MeasureKind.CLOSE})
    case_decide(actor=supervisor, case=case, decision=CaseDecision.MEASURE, articles=["15"], reason="逾期未改正",
                measure={"kind": MeasureKind.CLOSE})
    close = Measure.objects.get(account=bad, kind=MeasureKind.CLOSE)
    assert close.state == MeasureState.PENDING_APPROVAL
    with pytest.raises(ServiceError):
        measure_approve(actor=supervisor, measure=close)  # four eyes: not the proposer
    measure_approve(actor=supervisor2, measure=close)
    bad.refresh_from_db()
    assert bad.status == "closed"
    assert RecheckCorrection.objects.get(pk=correction.pk).state == CorrectionState.ENDED


def test_article_policy_suspends_at_once(make_account, supervisor, moderator, start):
    with pytest.raises(ServiceError):
        corrections.recheck_policy_set(actor=moderator, article="8.6", suspend_at_once=True)
    corrections.recheck_policy_set(actor=supervisor, article="8.6", suspend_at_once=True)
    _good, (bad,) = _accounts(make_account, clean=1, bad=1)
    run = start()
    assert run.suspended == 1 and run.cases_opened == 0
    bad.refresh_from_db()
    assert bad.status == "suspended"
    assert RecheckCorrection.objects.get(account=bad).state == CorrectionState.OPEN
    assert RecheckResult.objects.get(run=run, account=bad).suspended


def test_account_checks_beyond_the_lexicon(make_account, start):
    public = make_account(name="城市观察", mobile="13800138009", is_public_account=True)
    no_identity = make_account(name="无名氏")
    run = start()
    by_account = {r.account_id: r for r in RecheckResult.objects.filter(run=run)}
    assert "13" in by_account[public.pk].articles
    assert "9" in by_account[no_identity.pk].articles


def test_an_import_ends_by_rechecking_the_imported_accounts(tmp_path, make_account, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from accounts.models import ImportRun

    make_account(name="早已存在")
    path = tmp_path / "users.jsonl"
    path.write_text('{"uid": "i1", "name": "读书人", "identities": [{"method": "mobile", "number": "13800138000"}]}\n'
                    '{"uid": "i2", "name": "加微信abc12345", "identities": [{"method": "mobile", "number": "13800138001"}]}\n',
                    encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_accounts", str(path))
    run = RecheckRun.objects.get(scope=f"import={ImportRun.objects.get().pk}")
    assert (run.status, run.total, run.checked, run.flagged) == (RunStatus.FINISHED, 2, 2, 1)
