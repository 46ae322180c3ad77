"""The periodic regulator report counts appeals filed in its period by the measure appealed and by
outcome (issue 13's periodic report: "measures … appealed")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from appeals.services.filing import AppealInput, appeal_file
from appeals.services.review import appeal_decide
from moderation.choices import MeasureKind
from moderation.services.measures import measure_apply
from reports.sections import appeals as section


def _period(start: dt.date, end: dt.date):
    return SimpleNamespace(period_start=start, period_end=end)


def test_appeals_by_measure_kind_and_outcome(suspended, supervisor, moderator, make_account):
    warned = measure_apply(actor=moderator, account=make_account(uid="w2"), kind="warning", legal_basis=["8.6"],
                           reason="简介含联系方式")
    first = appeal_file(actor=None, data=AppealInput(uid=suspended.account.uid, measure_id=suspended.pk,
                                                     statement="简介内容属实，并无夸大。"))
    appeal_file(actor=None, data=AppealInput(uid="w2", measure_id=warned.pk, statement="号码是客服电话，已删除。"))
    appeal_decide(actor=supervisor, appeal=first, outcome="lifted", reason="简介属实", articles=["8.7"])

    today = timezone.localdate()
    (table,) = section.periodic(_period(today.replace(day=1), today))
    rows = {row[0]: row[1:] for row in table.rows}
    # received, upheld, lifted, changed, answered on time, still open
    assert rows[MeasureKind.SUSPEND.label] == [1, 0, 1, 0, 1, 0]
    assert rows[MeasureKind.WARNING.label] == [1, 0, 0, 0, 0, 1]
    assert rows["合计"] == [2, 0, 1, 0, 1, 1]

    (empty,) = section.periodic(_period(today - dt.timedelta(days=60), today - dt.timedelta(days=31)))
    assert [list(r) for r in empty.rows] == [["合计", 0, 0, 0, 0, 0, 0]]
