"""Entering the yearly notice and confirming a year (core.holidays): rules, audit entries, and the
recompute every change schedules (issue 19; issue 14 bug 5)."""

import datetime as dt

import pytest

from core import holidays, workdays
from core.errors import ServiceError
from core.models import AuditEntry, Holiday, HolidayYear, JobRun
from core.registry import registry

from .notice import NOTICE_2027, enter_notice_2027

D = dt.date
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


def _events(subject_type):
    return list(AuditEntry.objects.filter(subject_type=subject_type).order_by("id").values_list("event", flat=True))


@pytest.fixture
def recorded(monkeypatch):
    """A recomputer that records the calls it gets (as an app above core would register)."""
    calls = []

    def fake(*, actor, years):
        calls.append((getattr(actor, "username", None), years))
        return 1

    monkeypatch.setitem(registry.deadline_recomputers, "zz_test", fake)
    return calls


def test_holiday_edits_are_audited(supervisor):
    [h] = holidays.holiday_set(actor=supervisor, date=D(2027, 2, 6), kind="holiday", name="春节")
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 6), kind="holiday", name="春节（初一）")
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 6), kind="holiday", name="春节（初一）")  # no change
    holidays.holiday_delete(actor=supervisor, holiday=h)
    entries = list(AuditEntry.objects.filter(subject_type="core.holiday").order_by("id").values_list("event", "old"))
    assert [e for e, _ in entries] == ["holiday.set", "holiday.set", "holiday.deleted"]
    assert entries[1][1] == {"kind": "holiday", "name": "春节"}


def test_a_range_is_one_step_with_an_entry_per_day(supervisor):
    saved = holidays.holiday_set(actor=supervisor, date=D(2027, 2, 5), until=D(2027, 2, 11), kind="holiday", name="春节")
    assert [h.date for h in saved] == [D(2027, 2, 5) + dt.timedelta(days=i) for i in range(7)]
    assert _events("core.holiday") == ["holiday.set"] * 7


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"date": D(2027, 2, 5), "until": D(2027, 2, 1)}, "until"),
    ({"date": D(2027, 1, 1), "until": D(2027, 3, 1)}, "until"),
    ({"date": D(2027, 12, 30), "until": D(2028, 1, 2)}, "until"),
    ({"date": D(2027, 1, 1), "name": " "}, "name"),
    ({"date": D(2027, 1, 1), "kind": "weekend"}, "kind"),
    ({"date": D(1999, 1, 1)}, "date"),
])
def test_bad_entries_are_refused_naming_the_field(supervisor, kwargs, field):
    args = {"kind": "holiday", "name": "元旦", **kwargs}
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_set(actor=supervisor, **args)
    assert exc.value.field == field
    assert not Holiday.objects.exists()


def test_a_year_cannot_be_confirmed_with_one_date(supervisor):
    """Issue 14, bug 5: one date entered is not the notice."""
    holidays.holiday_set(actor=supervisor, date=D(2027, 1, 1), kind="holiday", name="元旦")
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    assert exc.value.code == "statutory_missing" and "2027-02-05" in exc.value.message
    assert workdays.calendar().year_status(2027) == workdays.PROVISIONAL
    assert not HolidayYear.objects.filter(status=HolidayYear.Status.CONFIRMED).exists()


def test_confirming_needs_every_statutory_day_off(supervisor):
    enter_notice_2027(supervisor, skip={D(2027, 9, 15)})  # Mid-Autumn left out
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    assert "2027-09-15" in exc.value.message and "2027-02-05" not in exc.value.message


# Real commits: the recompute is scheduled on commit (audit entries put their own commit markers
# first, which confuses django_capture_on_commit_callbacks' slicing).
@pytest.mark.django_db(transaction=True)
def test_confirm_is_audited_with_the_days_and_schedules_a_recompute(supervisor, recorded):
    enter_notice_2027(supervisor)
    recorded.clear()
    row = holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=f"  {NOTICE} ")
    assert row.status == HolidayYear.Status.CONFIRMED and row.confirmed_by == supervisor and row.notice == NOTICE
    entry = AuditEntry.objects.get(event="holiday_year.confirmed")
    assert entry.subject_type == "core.holidayyear" and entry.actor_user == supervisor
    assert entry.old == {"status": "provisional"} and entry.new["notice"] == NOTICE
    assert "2027-02-11" in entry.new["holidays"] and entry.new["workdays"][0] == "2027-02-20"
    assert recorded == [("supervisor", [2027])]
    run = JobRun.objects.filter(name="calendar.recompute_deadlines").first()
    assert run.status == JobRun.Status.SUCCEEDED and run.counts["zz_test"] == 1


def test_confirming_twice_or_a_packaged_year_is_refused(supervisor):
    enter_notice_2027(supervisor)
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    assert exc.value.code == "already_confirmed" and exc.value.status == 409
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_year_confirm(actor=supervisor, year=2026, notice=NOTICE)
    assert exc.value.code == "package_year"
    with pytest.raises(ServiceError) as exc:
        holidays.holiday_year_confirm(actor=supervisor, year=2028, notice="通知")
    assert exc.value.field == "notice"


@pytest.mark.django_db(transaction=True)
def test_changing_a_confirmed_year_makes_it_provisional_again(supervisor, recorded):
    enter_notice_2027(supervisor)
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    recorded.clear()
    holidays.holiday_set(actor=supervisor, date=D(2027, 10, 8), kind="holiday", name="国庆节")
    assert workdays.calendar().year_status(2027) == workdays.PROVISIONAL
    reopened = AuditEntry.objects.get(event="holiday_year.reopened")
    assert reopened.old["status"] == "confirmed" and reopened.new == {"status": "provisional", "reason": "holiday.set"}
    assert recorded == [("supervisor", [2027])]
    # deleting an entry of a confirmed year too
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    recorded.clear()
    holidays.holiday_delete(actor=supervisor, holiday=Holiday.objects.get(date=D(2027, 10, 8)))
    assert workdays.calendar().year_status(2027) == workdays.PROVISIONAL
    assert recorded == [("supervisor", [2027])]


@pytest.mark.parametrize("role", ["moderator", "auditor"])
def test_only_supervisors_change_or_confirm(request, supervisor, role):
    user = request.getfixturevalue(role)
    [h] = holidays.holiday_set(actor=supervisor, date=D(2027, 1, 1), kind="holiday", name="元旦")
    for call in (
        lambda: holidays.holiday_set(actor=user, date=D(2027, 1, 2), kind="holiday", name="元旦"),
        lambda: holidays.holiday_delete(actor=user, holiday=h),
        lambda: holidays.holiday_year_confirm(actor=user, year=2027, notice=NOTICE),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.status == 403
    assert Holiday.objects.count() == 1


def test_a_failing_recomputer_does_not_stop_the_others(monkeypatch, recorded, supervisor):
    def broken(*, actor, years):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.deadline_recomputers, "aa_broken", broken)
    assert holidays.recompute_deadlines([2027], supervisor.pk) == 1
    assert recorded == [("supervisor", [2027])]
    run = JobRun.objects.get(name="calendar.recompute_deadlines")
    assert run.status == JobRun.Status.FAILED and "aa_broken: RuntimeError: boom" in run.errors[0]


def test_year_overview_puts_computed_and_entered_days_side_by_side(supervisor):
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 5), until=D(2027, 2, 11), kind="holiday", name="春节")
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 20), kind="workday", name="春节调休上班")
    holidays.holiday_set(actor=supervisor, date=D(2027, 4, 5), kind="workday", name="误录")
    o = holidays.year_overview(2027)
    states = {r["date"]: r["state"] for r in o["rows"]}
    assert states[D(2027, 2, 5)] == "match" and states[D(2027, 2, 9)] == "extra_off"
    assert states[D(2027, 2, 20)] == "workday" and states[D(2027, 4, 5)] == "conflict"
    assert states[D(2027, 1, 1)] == "missing"
    assert D(2027, 4, 5) in o["missing"] and D(2027, 1, 1) in o["missing"]
    assert o["status"] == workdays.PROVISIONAL and o["can_confirm"]
    assert o["entered_off"] == 7 and o["entered_workdays"] == 2
    assert len(NOTICE_2027) == 11
