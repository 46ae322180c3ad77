"""Art 17 measures: the lifecycle, four-eyes approval, derived status, credit, the sweep."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Account
from core.audit import verify_chain
from moderation import services
from moderation.choices import MeasureKind, MeasureState
from moderation.models import BlockedIdentity, CreditEvent, Measure, Notice


def _status(account):
    return Account.objects.get(pk=account.pk).status


def test_restrict_then_lift_is_append_only(make_account, moderator):
    account = make_account()
    m = services.measure_apply(actor=moderator, account=account, kind=MeasureKind.RESTRICT, legal_basis=["8.6"],
                               reason="签名夹带联系方式", functions=["post", "message"])
    assert _status(account) == "restricted"
    assert m.evidence["info"]["name"] == account.name
    lift = services.measure_lift(actor=moderator, measure=m, reason="已整改")
    assert lift.action == "lift" and lift.lifts_id == m.pk
    m.refresh_from_db()
    assert m.state == MeasureState.LIFTED and _status(account) == "active"
    assert Measure.objects.filter(account=account).count() == 2
    assert Notice.objects.filter(account=account, kind="measure_applied").exists()
    assert Notice.objects.filter(account=account, kind="measure_lifted").exists()


def test_restrict_needs_functions_and_basis(make_account, moderator):
    account = make_account()
    with pytest.raises(services.ModerationError) as err:
        services.measure_apply(actor=moderator, account=account, kind=MeasureKind.RESTRICT, legal_basis=["8.6"],
                               reason="x理由")
    assert err.value.field == "functions"
    with pytest.raises(services.ModerationError) as err:
        services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["99"],
                               reason="x理由")
    assert err.value.field == "legal_basis"


def test_close_needs_a_second_supervisor(make_account, supervisor, supervisor2, moderator):
    account = make_account(mobile="13800138000")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.2"],
                               reason="冒充政府机关")
    assert m.state == MeasureState.PENDING_APPROVAL and _status(account) == "active"
    with pytest.raises(services.ModerationError) as err:
        services.measure_approve(actor=supervisor, measure=m)
    assert err.value.code == "four_eyes"
    with pytest.raises(services.ModerationError):
        services.measure_approve(actor=moderator, measure=m)
    services.measure_approve(actor=supervisor2, measure=m)
    m.refresh_from_db()
    assert m.state == MeasureState.ACTIVE and m.approved_by == supervisor2 and _status(account) == "closed"
    assert m.reportable is True


def test_ban_blocks_identity_hashes_and_lifting_unblocks(make_account, supervisor, supervisor2):
    account = make_account(mobile="13800138000", resident_id="110101199003071233")
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.BAN_REREGISTRATION,
                               legal_basis=["8.2"], reason="冒充国家机关")
    services.measure_approve(actor=supervisor2, measure=m)
    assert BlockedIdentity.objects.filter(lifted_at__isnull=True).count() == 2
    assert _status(account) == "banned"
    services.measure_lift(actor=supervisor, measure=m, reason="复议撤销", reversal=True)
    assert BlockedIdentity.objects.filter(lifted_at__isnull=True).count() == 0
    assert Account.objects.get(pk=account.pk).credit_score == 100


def test_refused_proposal_changes_nothing(make_account, supervisor, supervisor2):
    account = make_account()
    m = services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.CLOSE, legal_basis=["8.7"],
                               reason="夸大宣传")
    services.measure_refuse(actor=supervisor2, measure=m, reason="证据不足，先警示")
    assert Measure.objects.get(pk=m.pk).state == MeasureState.REFUSED and _status(account) == "active"


def test_status_is_the_most_severe_active_measure(make_account, moderator):
    account = make_account()
    r = services.measure_apply(actor=moderator, account=account, kind=MeasureKind.RESTRICT, legal_basis=["8.6"],
                               reason="联系方式", functions=["post"])
    s = services.measure_apply(actor=moderator, account=account, kind=MeasureKind.SUSPEND, legal_basis=["8.6"],
                               reason="多次违规", expires_at=timezone.now() + dt.timedelta(days=3))
    assert _status(account) == "suspended"
    services.measure_lift(actor=moderator, measure=s, reason="期满")
    assert _status(account) == "restricted"
    services.measure_lift(actor=moderator, measure=r, reason="整改完成")
    assert _status(account) == "active"


def test_credit_ledger_explains_the_score(make_account, moderator):
    account = make_account()
    services.measure_apply(actor=moderator, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                           reason="夸大其词")
    services.measure_apply(actor=moderator, account=account, kind=MeasureKind.RESTRICT, legal_basis=["8.6"],
                           reason="联系方式", functions=["comment"])
    events = list(CreditEvent.objects.filter(account=account).order_by("id"))
    assert [e.delta for e in events] == [-2, -10]
    assert events[-1].score_after == Account.objects.get(pk=account.pk).credit_score == 88


def test_sweep_expires_and_escalates_idempotently(make_account, moderator):
    a1, a2 = make_account(), make_account()
    s = services.measure_apply(actor=moderator, account=a1, kind=MeasureKind.SUSPEND, legal_basis=["8.6"],
                               reason="暂停三天", expires_at=timezone.now() + dt.timedelta(days=3))
    c = services.measure_apply(actor=moderator, account=a2, kind=MeasureKind.CORRECTION_ORDER, legal_basis=["8.6"],
                               reason="名称含联系方式", expires_at=timezone.now() + dt.timedelta(days=7))
    assert _status(a1) == "suspended" and _status(a2) == "active"
    later = timezone.now() + dt.timedelta(days=8)
    assert services.sweep_measures(now=later) == {"expired": 1, "escalated": 1, "errors": 0}
    assert services.sweep_measures(now=later) == {"expired": 0, "escalated": 0, "errors": 0}
    assert Measure.objects.get(pk=s.pk).state == MeasureState.EXPIRED and _status(a1) == "active"
    assert Measure.objects.get(pk=c.pk).state == MeasureState.ESCALATED
    escalation = Measure.objects.get(account=a2, action="apply", kind=MeasureKind.SUSPEND)
    assert escalation.state == MeasureState.ACTIVE and "17" in escalation.legal_basis
    assert _status(a2) == "suspended"
    assert verify_chain()[1] is None


def test_correction_order_notice_states_deadline_and_article(make_account, moderator):
    account = make_account()
    deadline = timezone.now() + dt.timedelta(days=7)
    services.measure_apply(actor=moderator, account=account, kind=MeasureKind.CORRECTION_ORDER, legal_basis=["8.6"],
                           reason="简介含微信号", expires_at=deadline)
    notice = Notice.objects.get(account=account)
    assert notice.deadline == deadline and "第八条第（六）项" in notice.body
    assert timezone.localtime(deadline).strftime("%Y年%m月%d日") in notice.body


def test_sweep_job_records_a_run(db):
    from core.models import JobRun
    from moderation.jobs import sweep

    sweep()
    run = JobRun.objects.get(name="moderation_sweep")
    assert run.status == "succeeded" and "measures_expired" in run.counts


def test_system_cannot_propose_a_four_eyes_measure(make_account):
    with pytest.raises(services.ModerationError) as err:
        services.measure_apply(actor=None, account=make_account(), kind=MeasureKind.CLOSE, legal_basis=["8.2"],
                               reason="系统升级为关闭")
    assert err.value.code == "four_eyes"
