"""The auditor's log page: filters in words, events shown by name, errors under field labels."""

import pytest
from django.db import transaction

from core.audit import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(make_account):
    account = make_account(uid="au1", name="小明")
    with transaction.atomic():
        record("case.claimed", actor=None, subject=account)
        record("measure.proposed", actor=None, subject=account)
    return account


def _events(html: str) -> list[str]:
    import re

    return re.findall(r"<code class='muted'>([a-z_.]+)</code>", html)


def test_events_shown_in_words_with_their_code(login, auditor, entries):
    html = login(auditor).get("/records/audit/").content.decode()
    assert "领取工单 <code class='muted'>case.claimed</code>" in html
    assert "提出处置措施" in html


def test_event_filter_by_group_and_by_event(login, auditor, entries):
    c = login(auditor)
    assert set(_events(c.get("/records/audit/?event=case.").content.decode())) == {"case.claimed"}
    assert set(_events(c.get("/records/audit/?event=measure.proposed").content.decode())) == {"measure.proposed"}
    page = c.get("/records/audit/").content.decode()
    assert '<option value="case.">审核工单：全部事件</option>' in page


def test_subject_type_filter_offers_model_names(login, auditor, entries):
    c = login(auditor)
    page = c.get("/records/audit/").content.decode()
    assert 'value="accounts.account"' in page
    assert set(_events(c.get("/records/audit/?subject_type=accounts.account&event=case.").content.decode())) == {
        "case.claimed"}


def test_bad_dates_are_reported_under_the_field_label(login, auditor, entries):
    html = login(auditor).get("/records/audit/?since=yesterday").content.decode()
    assert "<b>开始日期</b>" in html and "since" not in html.split('class="errors"')[1][:200]
