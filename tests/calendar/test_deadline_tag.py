"""``{% deadline %}``: the one way pages show a working-day deadline (issue 19)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.models import HolidayYear
from core.templatetags.deadlines import format_deadline
from core.workdays import SHANGHAI

DUE_2027 = dt.datetime(2027, 1, 15, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Beijing
DUE_2026 = dt.datetime(2026, 12, 30, 23, 59, 59, tzinfo=SHANGHAI)


def _render(source, **ctx):
    return Template("{% load deadlines %}" + source).render(Context(ctx))


@pytest.mark.django_db
def test_provisional_deadline_says_so_with_a_link_to_the_calendar():
    html = _render("{% deadline d %}", d=DUE_2027)
    assert '<span class="deadline">2027-01-15 23:59</span>' in html
    assert '<a class="provisional" href="/records/calendar/?year=2027"' in html and ">暂定</a>" in html
    assert "2027 年节假日安排尚未确认：暂按法定节假日推算，不含调休和补假；确认后自动重算。" in html


@pytest.mark.django_db
def test_final_deadlines_carry_no_mark():
    assert _render("{% deadline d %}", d=DUE_2026) == '<span class="deadline">2026-12-30 23:59</span>'
    HolidayYear.objects.create(year=2027, status=HolidayYear.Status.CONFIRMED)
    assert "暂定" not in _render("{% deadline d %}", d=DUE_2027)
    HolidayYear.objects.filter(year=2027).update(status=HolidayYear.Status.PROVISIONAL)
    assert "暂定" in _render("{% deadline d %}", d=DUE_2027)


@pytest.mark.django_db
def test_public_pages_link_elsewhere_or_nowhere():
    html = _render('{% deadline d "Y年n月j日" link="/complaints/public/process/" %}', d=DUE_2027)
    assert "2027年1月15日" in html and 'href="/complaints/public/process/"' in html
    html = _render('{% deadline d "m-d" link="" %}', d=DUE_2027)
    assert "<a" not in html and '<span class="provisional"' in html
    assert _render("{% deadline d %}", d=None) == "—"


@pytest.mark.django_db
def test_one_query_per_request_however_many_deadlines(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        for _ in range(50):
            format_deadline(DUE_2027, request=request)
