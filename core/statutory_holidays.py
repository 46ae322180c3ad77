"""The statutory public holidays of any year, computed from the lunar calendar and solar terms.

《全国年节及纪念日放假办法》 (as amended by 国务院令第795号, in force from 2025-01-01), Art 2 —
holidays for all citizens:

- 元旦 1 day (1 January);
- 春节 4 days (农历除夕 and 正月初一 to 初三);
- 清明节 1 day (the day of the solar term 清明);
- 劳动节 2 days (1 and 2 May);
- 端午节 1 day (5th of the 5th lunar month);
- 中秋节 1 day (15th of the 8th lunar month);
- 国庆节 3 days (1 to 3 October).

What the yearly State Council notice adds is *not* computed here, because the statute does not fix
it: Art 6 says a holiday that falls on a Saturday or Sunday is made up (补假) on a working day, and
Art 7 allows moving working days (调休) to form longer breaks — which days, only the notice says.
A computed year is therefore provisional (``core.workdays``) until a supervisor has entered the
notice and confirmed it.

The lunar dates and 清明 come from ``tyme4py`` (寿星天文历 algorithms; checked for 2024–2035
against lunardate, lunar-python, sxtwl and cnlunar, and 清明 against ephem's solar longitude; see
tests/calendar/test_statutory_holidays.py). No Django here: pure and cheap to test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from tyme4py.lunar import LunarDay
from tyme4py.solar import SolarTerm

# Stable keys for records; the page shows the Chinese names.
NEW_YEAR = "new_year"
SPRING_FESTIVAL = "spring_festival"
QINGMING = "qingming"
LABOUR_DAY = "labour_day"
DRAGON_BOAT = "dragon_boat"
MID_AUTUMN = "mid_autumn"
NATIONAL_DAY = "national_day"

FESTIVAL_NAMES = {
    NEW_YEAR: "元旦",
    SPRING_FESTIVAL: "春节",
    QINGMING: "清明节",
    LABOUR_DAY: "劳动节",
    DRAGON_BOAT: "端午节",
    MID_AUTUMN: "中秋节",
    NATIONAL_DAY: "国庆节",
}

# The statute's own count of days per festival (Art 2), checked by the tests against what is computed.
STATUTORY_DAYS = {NEW_YEAR: 1, SPRING_FESTIVAL: 4, QINGMING: 1, LABOUR_DAY: 2, DRAGON_BOAT: 1,
                  MID_AUTUMN: 1, NATIONAL_DAY: 3}


@dataclass(frozen=True)
class StatutoryDay:
    """One statutory holiday: the date, the festival's key, and how the statute names the day."""

    date: dt.date
    festival: str
    detail: str = ""

    @property
    def name(self) -> str:
        base = FESTIVAL_NAMES[self.festival]
        return f"{base}（{self.detail}）" if self.detail else base

    @property
    def on_weekend(self) -> bool:
        """Art 6: such a day is made up (补假) on a working day that only the notice names."""
        return self.date.weekday() >= 5


def _lunar(year: int, month: int, day: int) -> dt.date:
    solar = LunarDay.from_ymd(year, month, day).get_solar_day()
    return dt.date(solar.get_year(), solar.get_month(), solar.get_day())


def _solar_term(year: int, name: str) -> dt.date:
    # The calendar day of the term in Beijing time (the library's "用于日历" day).
    solar = SolarTerm.from_name(year, name).get_solar_day()
    return dt.date(solar.get_year(), solar.get_month(), solar.get_day())


@cache
def statutory_holidays(year: int) -> tuple[StatutoryDay, ...]:
    """Every statutory holiday of ``year`` in date order (a day two festivals share appears twice,
    as Mid-Autumn on 3 October 2028 does)."""
    if not 1901 <= year <= 2199:
        raise ValueError(f"year {year} is outside the supported range 1901–2199")
    first_month = _lunar(year, 1, 1)
    days = [
        StatutoryDay(dt.date(year, 1, 1), NEW_YEAR),
        StatutoryDay(first_month - dt.timedelta(days=1), SPRING_FESTIVAL, "除夕"),
        StatutoryDay(first_month, SPRING_FESTIVAL, "正月初一"),
        StatutoryDay(first_month + dt.timedelta(days=1), SPRING_FESTIVAL, "正月初二"),
        StatutoryDay(first_month + dt.timedelta(days=2), SPRING_FESTIVAL, "正月初三"),
        StatutoryDay(_solar_term(year, "清明"), QINGMING),
        StatutoryDay(dt.date(year, 5, 1), LABOUR_DAY),
        StatutoryDay(dt.date(year, 5, 2), LABOUR_DAY),
        StatutoryDay(_lunar(year, 5, 5), DRAGON_BOAT),
        StatutoryDay(_lunar(year, 8, 15), MID_AUTUMN),
        StatutoryDay(dt.date(year, 10, 1), NATIONAL_DAY),
        StatutoryDay(dt.date(year, 10, 2), NATIONAL_DAY),
        StatutoryDay(dt.date(year, 10, 3), NATIONAL_DAY),
    ]
    return tuple(sorted(days, key=lambda d: (d.date, d.festival)))


@cache
def statutory_dates(year: int) -> frozenset[dt.date]:
    return frozenset(d.date for d in statutory_holidays(year))
