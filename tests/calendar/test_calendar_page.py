"""The calendar page in core (issue 19): who may read, enter and confirm; what a supervisor sees;
the old complaints address redirecting."""

import datetime as dt

import pytest

from core import holidays
from core.models import AuditEntry, Holiday, HolidayYear

from .notice import enter_notice_2027

D = dt.date
URL = "/records/calendar/"
NOTICE = "国办发明电〔2026〕X号（测试）"
ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]


def _client(request, login, role):
    return login(None if role == "anonymous" else request.getfixturevalue(role))


@pytest.fixture
def entry(supervisor):
    [h] = holidays.holiday_set(actor=supervisor, date=D(2027, 10, 1), kind="holiday", name="国庆节")
    return h


GET = {"anonymous": 302, "nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}
WRITE = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 302, "auditor": 403, "admin_user": 302}


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(request, login, role):
    r = _client(request, login, role).get(f"{URL}?year=2027")
    assert r.status_code == GET[role], role
    if GET[role] == 302:
        assert r["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["set", "delete", "confirm"])
def test_write_matrix(request, login, entry, supervisor, role, action):
    if action == "confirm":
        enter_notice_2027(supervisor)
    client = _client(request, login, role)
    if action == "set":
        r = client.post(f"{URL}?year=2027", {"intent": "set", "date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    elif action == "delete":
        r = client.post(f"{URL}{entry.pk}/delete/")
    else:
        r = client.post(f"{URL}?year=2027", {"intent": "confirm", "year": "2027", "notice": NOTICE})
    assert r.status_code == WRITE[role], f"{role} {action}"
    done = {
        "set": Holiday.objects.filter(date=D(2027, 1, 1), name="元旦").exists(),
        "delete": not Holiday.objects.filter(pk=entry.pk).exists(),
        "confirm": HolidayYear.objects.filter(year=2027, status="confirmed").exists(),
    }[action]
    assert done is (WRITE[role] == 302 and role != "anonymous")


def test_supervisor_reads_computed_next_to_entered(login, supervisor, django_assert_max_num_queries):
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 5), until=D(2027, 2, 11), kind="holiday", name="春节")
    holidays.holiday_set(actor=supervisor, date=D(2027, 2, 20), kind="workday", name="春节调休上班")
    c = login(supervisor)
    with django_assert_max_num_queries(14):
        r = c.get(f"{URL}?year=2027")
    html = r.content.decode()
    assert 'data-testid="year-status"' in html and "暂定" in html
    assert "春节（除夕）" in html and "春节（正月初三）" in html
    row = html[html.index('data-date="2027-02-06"'):html.index('data-date="2027-02-07"')]
    assert "春节（正月初一）" in row and "放假（休息日） · 春节" in row and "一致" in row
    row = html[html.index('data-date="2027-02-09"'):html.index('data-date="2027-02-10"')]
    assert "通知另行放假" in row
    assert 'data-date="2027-01-01"' in html and "待录入" in html
    assert 'data-testid="missing"' in html and "2027-01-01" in html
    assert 'data-testid="weekend-note"' in html and "5月1日 劳动节" in html
    assert 'data-testid="entry-form"' in html and 'data-testid="confirm"' in html


def test_confirm_with_a_date_missing_names_it_and_keeps_the_year_provisional(login, supervisor):
    holidays.holiday_set(actor=supervisor, date=D(2027, 1, 1), kind="holiday", name="元旦")
    r = login(supervisor).post(f"{URL}?year=2027", {"intent": "confirm", "year": "2027", "notice": NOTICE})
    assert r.status_code == 400
    html = r.content.decode()
    assert "以下法定节假日尚未录入为休息日" in html and "2027-02-05" in html
    assert not HolidayYear.objects.filter(status="confirmed").exists()


def test_confirm_in_one_step_then_the_page_says_who(login, supervisor):
    enter_notice_2027(supervisor)
    c = login(supervisor)
    r = c.post(f"{URL}?year=2027", {"intent": "confirm", "year": "2027", "notice": NOTICE}, follow=True)
    html = r.content.decode()
    assert "已确认 2027 年安排" in html
    assert "由 supervisor 于" in html and NOTICE in html
    assert 'data-testid="confirm"' not in html and "待录入" not in html
    assert AuditEntry.objects.filter(event="holiday_year.confirmed").count() == 1


def test_a_bad_entry_is_refused_under_its_field(login, supervisor):
    r = login(supervisor).post(f"{URL}?year=2027", {"intent": "set", "date": "2027-02-11", "until": "2027-02-05",
                                                     "kind": "holiday", "name": "春节"})
    assert r.status_code == 400
    assert "<b>至（可选）</b>：结束日期不能早于开始日期" in r.content.decode()


def test_confirm_needs_the_year_it_shows(login, supervisor):
    enter_notice_2027(supervisor)
    r = login(supervisor).post(f"{URL}?year=2027", {"intent": "confirm", "notice": NOTICE})
    assert r.status_code == 400 and not HolidayYear.objects.filter(status="confirmed").exists()


def test_packaged_years_have_nothing_to_confirm(login, supervisor):
    html = login(supervisor).get(f"{URL}?year=2026").content.decode()
    assert "该年份使用内置日历数据" in html and 'data-testid="confirm"' not in html


def test_old_complaints_address_redirects(login, supervisor):
    r = login(supervisor).get("/complaints/calendar/?year=2027")
    assert r.status_code == 301 and r["Location"] == f"{URL}?year=2027"


def test_calendar_is_registered_with_core(supervisor):
    from core.registry import registry

    assert registry.nav["core:calendar"].permission == "core.view_holiday"
    for code in ("holiday_year.confirmed", "holiday_year.reopened", "deadline.recomputed"):
        assert code in registry.event_labels
    assert "core.confirm_holidayyear" in registry.role_permissions["supervisor"]
    assert "core.confirm_holidayyear" not in registry.role_permissions.get("moderator", set())
    assert "complaints" in registry.deadline_recomputers
    assert supervisor.has_perm("core.confirm_holidayyear")
