"""The periodic regulator report carries the Art 15 rechecks of its period: runs and their counts,
findings by article, correction deadlines by state (issue 13: "rechecks run and their outcomes")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from rechecks.choices import CorrectionState
from rechecks.services import runs
from reports.sections import rechecks as section

pytestmark = pytest.mark.postgres


def _period(start: dt.date, end: dt.date):
    return SimpleNamespace(period_start=start, period_end=end)


def test_runs_findings_and_corrections_of_the_period(make_account, django_capture_on_commit_callbacks):
    for i in range(4):
        make_account(name=f"读书人{i}", mobile=f"1380013800{i}")
    for i in range(2):
        make_account(name=f"加微信abc1234{i}", mobile=f"1390013900{i}")
    for _ in range(2):  # the second run joins the open cases
        with django_capture_on_commit_callbacks(execute=True):
            runs.recheck_start(actor=None, scope="all")

    today = timezone.localdate()
    totals, by_article, corrections = section.periodic(_period(today.replace(day=1), today))
    # runs, finished, checked, clean, flagged, errors, cases opened, suspended at once
    assert list(totals.rows) == [[2, 2, 12, 8, 4, 0, 2, 0]]
    assert [row[0] for row in by_article.rows] == ["8.6"] and by_article.rows[0][2] == 4
    assert {row[0]: row[1] for row in corrections.rows} == {state.label: 0 for state in CorrectionState}

    totals, by_article, _corrections = section.periodic(_period(today - dt.timedelta(days=60),
                                                                 today - dt.timedelta(days=31)))
    assert list(totals.rows) == [[0, 0, 0, 0, 0, 0, 0, 0]] and list(by_article.rows) == []
