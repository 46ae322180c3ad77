"""The Chinese working-day calendar behind every legal deadline (Art 19; issue 19 for the years
after chinesecalendar's data)."""

import datetime as dt

import pytest

from core import holidays, workdays
from core.models import Holiday, HolidayYear

from .notice import enter_notice_2027

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
    # 2027, provisional: the statutory holidays are days off, weekends too, nothing else
    (D(2027, 1, 1), False),    # New Year's Day (a Friday)
    (D(2027, 1, 2), False),    # weekends still rest
    (D(2027, 1, 4), True),
    (D(2027, 2, 4), True),
    (D(2027, 2, 5), False),    # lunar New Year's Eve (Friday)
    (D(2027, 2, 8), False),    # 正月初三 (Monday)
    (D(2027, 2, 9), True),     # no 补假 or bridging assumed before the notice is entered
    (D(2027, 4, 5), False),    # Qingming
    (D(2027, 6, 9), False),    # Dragon Boat
    (D(2027, 9, 15), False),   # Mid-Autumn
    (D(2027, 10, 4), True),
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
def test_deadline_across_new_year_2027_is_provisional():
    result = workdays.deadline(D(2026, 12, 24), 15)
    # Dec 25, 28–31 (5); Jan 1 is New Year's Day; Jan 4–8 (10), Jan 11–15 (15)
    assert result.day == D(2027, 1, 15)
    assert result.years_without_data == (2027,)
    assert result.uncertain
    assert result.due_at.isoformat() == "2027-01-15T23:59:59+08:00"
    # a deadline that stays in 2026 is final
    assert workdays.deadline(D(2026, 12, 1), 5).years_without_data == ()


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2027, 2, 1), 5, D(2027, 2, 10)),    # Feb 2–4 (3), eve + 初一…初三 off, Feb 9 (4), 10 (5)
    (D(2027, 1, 29), 15, D(2027, 2, 23)),  # Feb 1–4 (4), 9–12 (8), 15–19 (13), 22–23 (15)
    (D(2027, 2, 4), 1, D(2027, 2, 9)),     # the next working day after the whole festival
    (D(2026, 12, 31), 1, D(2027, 1, 4)),   # issue 19: no longer New Year's Day
])
def test_deadlines_across_spring_festival_2027(start, n, expected):
    result = workdays.deadline(start, n)
    assert result.day == expected and result.years_without_data == (2027,)


@pytest.mark.django_db
def test_one_entered_date_does_not_make_the_year_final(supervisor):
    """Issue 14, bug 5: a single entry used to mark 2027 as covered and hide the warning."""
    holidays.holiday_set(actor=supervisor, date=D(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
    result = workdays.deadline(D(2026, 12, 24), 15)
    assert result.day == D(2027, 1, 15)
    assert result.years_without_data == (2027,)
    cov = {c["year"]: c for c in workdays.coverage([2027])}
    assert cov[2027]["has_data"] is False and cov[2027]["status"] == workdays.PROVISIONAL
    # an entered make-up Saturday counts even before the year is confirmed (an entry is the notice's)
    holidays.holiday_set(actor=supervisor, date=D(2027, 1, 9), kind=Holiday.Kind.WORKDAY, name="调休")
    assert workdays.deadline(D(2026, 12, 24), 15).day == D(2027, 1, 14)


@pytest.mark.django_db
def test_a_confirmed_year_follows_the_notice_only(supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_notice_2027(supervisor)
        holidays.holiday_year_confirm(actor=supervisor, year=2027, notice="国办发明电〔2026〕X号（测试）")
    cal = workdays.calendar()
    assert cal.year_status(2027) == workdays.CONFIRMED
    assert not cal.is_workday(D(2027, 2, 11))  # 补假 from the notice
    assert cal.is_workday(D(2027, 2, 20))      # a make-up Saturday
    result = workdays.deadline(D(2027, 2, 4), 1)
    assert result.day == D(2027, 2, 12) and result.years_without_data == ()


@pytest.mark.django_db
def test_edited_row_overrides_the_package(supervisor):
    assert workdays.is_workday(D(2026, 11, 2)) is True
    holidays.holiday_set(actor=supervisor, date=D(2026, 11, 2), kind=Holiday.Kind.HOLIDAY, name="测试")
    assert workdays.is_workday(D(2026, 11, 2)) is False


@pytest.mark.django_db
def test_far_future_never_crashes():
    assert workdays.deadline(D(2031, 6, 1), 15).years_without_data == (2031,)
    cov = {c["year"]: c for c in workdays.coverage([2026, 2027])}
    assert cov[2026]["has_data"] and cov[2026]["status"] == workdays.PACKAGE
    assert not cov[2027]["has_data"]
    assert not HolidayYear.objects.exists()  # reading never creates rows


def test_datetime_input_uses_beijing_date():
    utc_evening = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)  # 01:00 on 10-01 in Beijing
    cal = workdays.WorkCalendar(overrides={})
    assert workdays.add_working_days(utc_evening, 1, cal=cal) == D(2026, 10, 8)


def test_a_preloaded_calendar_needs_no_database():
    cal = workdays.WorkCalendar(overrides={D(2027, 2, 20): True}, confirmed_years=set())
    assert not cal.is_workday(D(2027, 2, 5)) and cal.is_workday(D(2027, 2, 20))
    confirmed = workdays.WorkCalendar(overrides={}, confirmed_years={2027})
    assert confirmed.is_workday(D(2027, 2, 5))  # confirmed: only the entries (none here) and weekends
