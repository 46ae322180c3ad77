"""The statutory holidays computed from the lunar calendar and solar terms (issue 19).

The expected dates were checked independently of tyme4py, the library the product uses: the
lunar dates (正月初一, 五月初五, 八月十五) agree in lunardate 0.3, lunar-python 1.4.8, sxtwl 2.0.7
and cnlunar 0.2.5 for every year 2024–2035; 清明 is the day (Beijing time) on which the sun's
apparent ecliptic longitude reaches 15°, computed with ephem 4.2 by bisection (2027: 04-05 08:17;
2028: 04-04 14:02; 2029: 04-04 19:58; 2030: 04-05 01:40 — none close enough to midnight to be
in doubt). For 2027 the issue itself gives Spring Festival on 6 February and the eve on 5 February.
No database: the module is pure.
"""

import datetime as dt

import chinese_calendar
import pytest

from core import statutory_holidays as sh

D = dt.date

EXPECTED = {
    2027: {
        "new_year": [D(2027, 1, 1)],
        "spring_festival": [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)],
        "qingming": [D(2027, 4, 5)],
        "labour_day": [D(2027, 5, 1), D(2027, 5, 2)],
        "dragon_boat": [D(2027, 6, 9)],
        "mid_autumn": [D(2027, 9, 15)],
        "national_day": [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)],
    },
    2028: {
        "new_year": [D(2028, 1, 1)],
        "spring_festival": [D(2028, 1, 25), D(2028, 1, 26), D(2028, 1, 27), D(2028, 1, 28)],
        "qingming": [D(2028, 4, 4)],
        "labour_day": [D(2028, 5, 1), D(2028, 5, 2)],
        "dragon_boat": [D(2028, 5, 28)],
        "mid_autumn": [D(2028, 10, 3)],  # the same day as the third day of National Day
        "national_day": [D(2028, 10, 1), D(2028, 10, 2), D(2028, 10, 3)],
    },
    2029: {
        "new_year": [D(2029, 1, 1)],
        "spring_festival": [D(2029, 2, 12), D(2029, 2, 13), D(2029, 2, 14), D(2029, 2, 15)],
        "qingming": [D(2029, 4, 4)],
        "labour_day": [D(2029, 5, 1), D(2029, 5, 2)],
        "dragon_boat": [D(2029, 6, 16)],
        "mid_autumn": [D(2029, 9, 22)],
        "national_day": [D(2029, 10, 1), D(2029, 10, 2), D(2029, 10, 3)],
    },
    2030: {
        "new_year": [D(2030, 1, 1)],
        "spring_festival": [D(2030, 2, 2), D(2030, 2, 3), D(2030, 2, 4), D(2030, 2, 5)],
        "qingming": [D(2030, 4, 5)],
        "labour_day": [D(2030, 5, 1), D(2030, 5, 2)],
        "dragon_boat": [D(2030, 6, 5)],
        "mid_autumn": [D(2030, 9, 12)],
        "national_day": [D(2030, 10, 1), D(2030, 10, 2), D(2030, 10, 3)],
    },
}

# 正月初一 for the later years, the range the library was checked on (the "2033 problem" years included).
SPRING_FESTIVAL = {2031: D(2031, 1, 23), 2032: D(2032, 2, 11), 2033: D(2033, 1, 31), 2034: D(2034, 2, 19),
                   2035: D(2035, 2, 8)}


def _by_festival(year):
    out = {}
    for day in sh.statutory_holidays(year):
        out.setdefault(day.festival, []).append(day.date)
    return out


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_statutory_dates_2027_to_2030(year):
    assert _by_festival(year) == EXPECTED[year]


@pytest.mark.parametrize("year", range(2025, 2036))
def test_each_festival_has_the_days_the_statute_gives(year):
    counts = {festival: len(days) for festival, days in _by_festival(year).items()}
    assert counts == sh.STATUTORY_DAYS
    assert sum(sh.STATUTORY_DAYS.values()) == 13  # Art 2 as amended in force from 2025


def test_spring_festival_2027_and_its_eve():
    days = [d for d in sh.statutory_holidays(2027) if d.festival == sh.SPRING_FESTIVAL]
    assert [(d.date, d.name) for d in days] == [
        (D(2027, 2, 5), "春节（除夕）"), (D(2027, 2, 6), "春节（正月初一）"),
        (D(2027, 2, 7), "春节（正月初二）"), (D(2027, 2, 8), "春节（正月初三）")]


@pytest.mark.parametrize(("year", "first_day"), sorted(SPRING_FESTIVAL.items()))
def test_spring_festival_2031_to_2035(year, first_day):
    assert _by_festival(year)["spring_festival"][1] == first_day


def test_a_day_two_festivals_share_counts_once_as_a_date():
    assert len(sh.statutory_holidays(2028)) == 13
    assert len(sh.statutory_dates(2028)) == 12
    assert [d.name for d in sh.statutory_holidays(2028) if d.date == D(2028, 10, 3)] == ["中秋节", "国庆节"]


def test_weekend_days_are_flagged_for_art_6_make_up():
    # 2027: the Spring Festival weekend, Labour Day on Sat/Sun, National Day's 2nd and 3rd on Sat/Sun
    assert [d.date for d in sh.statutory_holidays(2027) if d.on_weekend] == [
        D(2027, 2, 6), D(2027, 2, 7), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 2), D(2027, 10, 3)]


_PACKAGE_NAMES = {
    sh.NEW_YEAR: chinese_calendar.Holiday.new_years_day, sh.SPRING_FESTIVAL: chinese_calendar.Holiday.spring_festival,
    sh.QINGMING: chinese_calendar.Holiday.tomb_sweeping_day, sh.LABOUR_DAY: chinese_calendar.Holiday.labour_day,
    sh.DRAGON_BOAT: chinese_calendar.Holiday.dragon_boat_festival,
    sh.MID_AUTUMN: chinese_calendar.Holiday.mid_autumn_festival, sh.NATIONAL_DAY: chinese_calendar.Holiday.national_day,
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_days_are_holidays_in_the_official_notices_chinesecalendar_holds(year):
    """2025 and 2026 are the years the amended rules already applied to and chinesecalendar has the
    notices for: every computed day is a day off there, named for the same festival."""
    for day in sh.statutory_holidays(year):
        is_holiday, name = chinese_calendar.get_holiday_detail(day.date)
        assert is_holiday, day
        # 2028-style overlaps do not occur in these years, so each day has exactly one festival
        assert name == _PACKAGE_NAMES[day.festival].value, day


def test_out_of_range_years_are_refused():
    with pytest.raises(ValueError):
        sh.statutory_holidays(1800)
