"""Four eyes for long suspensions (issue 14): an indefinite suspension, or one longer than the
configured number of days, waits for a second supervisor like close and ban; a close proposed
from a case says that it awaits one."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ServiceError
from moderation import services
from moderation.choices import MeasureKind, MeasureState


def _suspend(actor, account, expires_at):
    return services.measure_apply(actor=actor, account=account, kind=MeasureKind.SUSPEND, legal_basis=["8.6"],
                                  reason="多次违规", expires_at=expires_at)


def test_suspension_until_9999_needs_a_second_supervisor(make_account, moderator, supervisor, supervisor2):
    account = make_account()
    m = _suspend(moderator, account, dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    assert m.state == MeasureState.PENDING_APPROVAL
    account.refresh_from_db()
    assert account.status == "active"
    services.measure_approve(actor=supervisor, measure=m)
    account.refresh_from_db()
    assert account.status == "suspended"


def test_indefinite_suspension_cannot_be_approved_by_its_proposer(make_account, supervisor):
    m = _suspend(supervisor, make_account(), None)
    assert m.state == MeasureState.PENDING_APPROVAL
    with pytest.raises(ServiceError):
        services.measure_approve(actor=supervisor, measure=m)


def test_threshold_is_configurable(make_account, moderator, settings):
    short = _suspend(moderator, make_account(), timezone.now() + dt.timedelta(days=29))
    assert short.state == MeasureState.ACTIVE
    long = _suspend(moderator, make_account(), timezone.now() + dt.timedelta(days=31))
    assert long.state == MeasureState.PENDING_APPROVAL
    settings.QINGLANG_MODERATION = {"four_eyes_suspend_days": 60}
    assert _suspend(moderator, make_account(), timezone.now() + dt.timedelta(days=31)).state == MeasureState.ACTIVE


def test_close_from_a_case_says_it_awaits_a_second_supervisor(login, supervisor, make_account):
    account = make_account(uid="fe1")
    case = services.case_open(actor=None, account=account, reason="complaint", source="test:1")
    c = login(supervisor)
    r = c.post(f"/moderation/cases/{case.pk}/decide/", {"decision": "measure", "articles": ["8.2"],
                                                        "reason": "冒充政府机关", "measure_kind": "close"}, follow=True)
    html = r.content.decode()
    assert "须由另一位审核主管批准后生效" in html


def test_art15_suspension_on_a_recheck_case_takes_effect_but_art15_alone_does_not_bypass(make_account, moderator):
    """The Art 15 suspension decided on a recheck case lasts until the holder corrects (the close
    after a missed deadline is four-eyes); citing Art 15 on another case is no way around the rule."""
    account = make_account()
    recheck = services.case_open(actor=None, account=account, reason="recheck", source="recheck:1")
    m = services.measure_apply(actor=moderator, account=account, kind=MeasureKind.SUSPEND, legal_basis=["15", "8.6"],
                               reason="动态核验：名称含联系方式", case=recheck)
    assert m.state == MeasureState.ACTIVE
    other = make_account()
    complaint = services.case_open(actor=None, account=other, reason="complaint", source="test:2")
    m2 = services.measure_apply(actor=moderator, account=other, kind=MeasureKind.SUSPEND, legal_basis=["15", "8.6"],
                                reason="名称含联系方式", case=complaint)
    assert m2.state == MeasureState.PENDING_APPROVAL
