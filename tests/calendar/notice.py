"""A full holiday notice for 2027 as the tests enter it: every statutory holiday, the 补假 of
those falling on a weekend, and make-up working days. It is an arrangement shaped like the State
Council's notices, made up for the tests — not the real 2027 notice."""

import datetime as dt

from core import holidays

D = dt.date

NOTICE_2027 = [
    # (from, to, kind, name)
    (D(2027, 1, 1), D(2027, 1, 3), "holiday", "元旦"),
    (D(2027, 2, 5), D(2027, 2, 11), "holiday", "春节"),
    (D(2027, 2, 20), None, "workday", "春节调休上班"),
    (D(2027, 4, 3), D(2027, 4, 5), "holiday", "清明节"),
    (D(2027, 5, 1), D(2027, 5, 5), "holiday", "劳动节"),
    (D(2027, 4, 25), None, "workday", "劳动节调休上班"),
    (D(2027, 6, 9), None, "holiday", "端午节"),
    (D(2027, 9, 15), None, "holiday", "中秋节"),
    (D(2027, 10, 1), D(2027, 10, 7), "holiday", "国庆节"),
    (D(2027, 9, 26), None, "workday", "国庆节调休上班"),
    (D(2027, 10, 9), None, "workday", "国庆节调休上班"),
]


def enter_notice_2027(actor, *, skip=()) -> None:
    for start, until, kind, name in NOTICE_2027:
        if start in skip:
            continue
        holidays.holiday_set(actor=actor, date=start, until=until, kind=kind, name=name)
