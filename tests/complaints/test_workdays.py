"""The Chinese working-day calendar behind every Art 19 deadline."""

import datetime as dt

import pytest

from core import workdays
from core.models import Holiday

D = dt.date


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 9, 20), True),    # Sunday, make-up working day for National Day
    (D(2026, 10, 1), False), (D(2026, 10, 7), False),  # National Day holiday
    (D(2026, 10, 8), True),    # first day back
    (D(2026, 10, 10), True),   # Saturday, make-up working day
    (D(2026, 10, 11), False),  # an ordinary Sunday
    (D(2026, 2, 14), True),    # Saturday before Spring Festival, make-up
    (D(2026, 2, 16), False), (D(2026, 2, 23), False),  # Spring Festival holiday
    (D(2026, 2, 24), True),
    (D(2026, 2, 28), True),    # Saturday make-up after Spring Festival
    (D(2027, 1, 1), True),     # no data for 2027: a Friday counts as a working day
    (D(2027, 1, 2), False),    # weekends still rest
])
@pytest.mark.django_db
def test_is_workday(day, expected):
    assert workdays.is_workday(day) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "expected"), [
    # National Day week 2026: received the day before the holiday
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 9, 30), 3, D(2026, 10, 10)),   # the 10-10 Saturday counts
    (D(2026, 9, 30), 15, D(2026, 10, 27)),
    (D(2026, 9, 19), 1, D(2026, 9, 20)),    # Saturday → the make-up Sunday
    (D(2026, 9, 18), 2, D(2026, 9, 21)),    # Fri → Sun 09-20 (1) → Mon (2)
    # Spring Festival 2026
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 14), 1, D(2026, 2, 24)),
    (D(2026, 2, 12), 15, D(2026, 3, 11)),  # 13, 14 (make-up), 24–28 (incl. Sat 28), 3-2…3-11
    # n = 0: the day itself if it is a working day, else the next one
    (D(2026, 10, 3), 0, D(2026, 10, 8)),
    (D(2026, 10, 9), 0, D(2026, 10, 9)),
])
def test_add_working_days(start, n, expected):
    assert workdays.add_working_days(start, n) == expected
    if n:
        assert workdays.working_days_between(start, expected) == n


@pytest.mark.django_db
def test_working_days_between_is_signed_and_excludes_start():
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert workdays.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert workdays.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert workdays.working_days_between(D(2026, 10, 5), D(2026, 10, 5)) == 0


@pytest.mark.django_db
def test_deadline_into_2027_without_holiday_data_warns_and_counts_weekends_only():
    result = workdays.deadline(D(2026, 12, 24), 15)
    # Dec 25, 28–31 (5), Jan 1 counted as a working day (6), Jan 4–8 (11), Jan 11–14 (15)
    assert result.day == D(2027, 1, 14)
    assert result.years_without_data == (2027,)
    assert result.uncertain
    assert result.due_at.isoformat() == "2027-01-14T23:59:59+08:00"


@pytest.mark.django_db
def test_deadline_into_2027_with_edited_holidays(supervisor):
    workdays.holiday_set(actor=supervisor, date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
    result = workdays.deadline(D(2026, 12, 24), 15)
    assert result.day == D(2027, 1, 15)
    assert result.years_without_data == ()
    # a make-up Saturday entered for 2027 counts as a working day
    workdays.holiday_set(actor=supervisor, date=D(2027, 1, 9), kind=Holiday.Kind.WORKDAY, name="调休")
    assert workdays.deadline(D(2026, 12, 24), 15).day == D(2027, 1, 14)


@pytest.mark.django_db
def test_edited_row_overrides_the_package(supervisor):
    assert workdays.is_workday(D(2026, 11, 2)) is True
    workdays.holiday_set(actor=supervisor, date=D(2026, 11, 2), kind=Holiday.Kind.HOLIDAY, name="测试")
    assert workdays.is_workday(D(2026, 11, 2)) is False


@pytest.mark.django_db
def test_far_future_never_crashes():
    assert workdays.deadline(D(2031, 6, 1), 15).years_without_data == (2031,)
    cov = {c["year"]: c for c in workdays.coverage([2026, 2027])}
    assert cov[2026]["has_data"] and not cov[2027]["has_data"]


@pytest.mark.django_db
def test_holiday_edits_are_audited(supervisor):
    from core.models import AuditEntry

    h = workdays.holiday_set(actor=supervisor, date=D(2027, 2, 6), kind="holiday", name="春节")
    workdays.holiday_set(actor=supervisor, date=D(2027, 2, 6), kind="holiday", name="春节（除夕）")
    workdays.holiday_delete(actor=supervisor, holiday=h)
    events = list(AuditEntry.objects.filter(subject_type="core.holiday").order_by("id").values_list("event", "old"))
    assert [e for e, _ in events] == ["holiday.set", "holiday.set", "holiday.deleted"]
    assert events[1][1] == {"kind": "holiday", "name": "春节"}


def test_datetime_input_uses_beijing_date():
    utc_evening = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)  # 01:00 on 10-01 in Beijing
    cal = workdays.WorkCalendar(overrides={})
    assert workdays.add_working_days(utc_evening, 1, cal=cal) == D(2026, 10, 8)
