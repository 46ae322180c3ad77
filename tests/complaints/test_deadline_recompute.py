"""Complaint deadlines on the provisional calendar, and their recompute when a supervisor confirms
2027 or changes one of its days (issue 19): each change audited and shown on the timeline, every
page marking a provisional deadline 暂定 with a link to the calendar."""

import datetime as dt

import pytest

from complaints import services
from complaints.models import Complaint
from complaints.services.recompute import complaint_deadlines_recompute
from core import holidays
from core.models import AuditEntry

from ..calendar.notice import enter_notice_2027

D = dt.date
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


def _recomputes(c):
    return list(AuditEntry.objects.filter(subject_type="complaints.complaint", subject_id=str(c.pk),
                                          event="deadline.recomputed").order_by("id"))


def _day(value):
    return value.astimezone(dt.timezone(dt.timedelta(hours=8))).date()


@pytest.fixture
def filed(target, file_complaint, freeze, moderator):
    """Complaints received before the 2027 notice was entered: across New Year, across Spring
    Festival (paused for 3 working days), one already answered, one in 2026 only."""
    freeze(2026, 12, 24, 9, 0)
    new_year = file_complaint()
    freeze(2026, 12, 2, 9, 0)
    only_2026 = file_complaint(target="https://example.com/u/other", category="8.1")
    freeze(2027, 1, 29, 9, 0)
    spring = file_complaint(target="https://example.com/u/third", category="8.3")
    answered = file_complaint(target="https://example.com/u/fourth", category="8.4")
    Complaint.objects.filter(pk=answered.pk).update(feedback_sent_at=answered.received_at, status="feedback_sent")
    services.complaint_request_info(actor=moderator, complaint=spring, question="请补充截图和链接")
    freeze(2027, 2, 3, 10, 0)  # waited Feb 1, 2, 3
    spring = services.complaint_resume(actor=None, complaint=spring, reply="已补充")
    return {"new_year": new_year, "spring": Complaint.objects.get(pk=spring.pk), "only_2026": only_2026,
            "answered": Complaint.objects.get(pk=answered.pk)}


def test_provisional_deadlines_count_the_statutory_holidays(filed):
    c = filed["new_year"]
    assert _day(c.accept_due_at) == D(2026, 12, 25) and _day(c.feedback_due_at) == D(2027, 1, 15)
    assert c.calendar_warning == "2027"
    # received Fri 29 Jan 2027: 15 working days skip the eve and 初一–初三 (5–8 Feb)
    assert _day(Complaint.objects.get(pk=filed["answered"].pk).feedback_due_at) == D(2027, 2, 23)
    assert filed["only_2026"].calendar_warning == ""
    s = filed["spring"]
    assert s.paused_working_days == 3
    assert _day(s.accept_due_at) == D(2027, 2, 4) and _day(s.feedback_due_at) == D(2027, 2, 26)


def test_confirming_2027_recomputes_open_deadlines_with_audit(filed, supervisor):
    enter_notice_2027(supervisor)
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    changed = complaint_deadlines_recompute(actor=supervisor, years=[2027])
    assert changed == 2  # new_year and spring; the answered and the 2026-only ones are left alone

    c = Complaint.objects.get(pk=filed["new_year"].pk)
    # the notice gives 1–3 Jan off: Dec 25, 28–31 (5), Jan 4–8 (10), 11–15 (15) — the same day
    assert _day(c.feedback_due_at) == D(2027, 1, 15) and c.calendar_warning == ""
    [entry] = _recomputes(c)
    assert entry.actor_user == supervisor
    assert entry.old["calendar_warning"] == "2027" and entry.new["calendar_warning"] == ""
    assert entry.new["calendar"] == {"2026": "package", "2027": "confirmed"}

    s = Complaint.objects.get(pk=filed["spring"].pk)
    # notice: 5–11 Feb off, Sat 20 Feb worked; accept = 1 working day after Fri 29 Jan (Feb 1) + 3 waited
    assert _day(s.accept_due_at) == D(2027, 2, 4)
    # feedback: Feb 1–4 (4), 12 (5), 15–19 (10), 20 Sat (11), 22–25 (15), + 3 waited: 26 Feb, 1–2 Mar
    assert _day(s.feedback_due_at) == D(2027, 3, 2)
    [entry] = _recomputes(s)
    assert entry.old["feedback_due_at"].startswith("2027-02-26") and entry.new["feedback_due_at"].startswith("2027-03-02")
    assert s.next_due_at == s.accept_due_at  # still waiting to be accepted

    assert _recomputes(filed["answered"]) == [] and _recomputes(filed["only_2026"]) == []
    # idempotent: nothing changes a second time, nothing is audited twice
    assert complaint_deadlines_recompute(actor=supervisor, years=[2027]) == 0


def test_a_complaint_received_now_and_a_recomputed_one_agree(filed, supervisor, file_complaint, freeze):
    enter_notice_2027(supervisor)
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    complaint_deadlines_recompute(actor=supervisor, years=[2027])
    freeze(2027, 1, 29, 9, 0)
    fresh = file_complaint(target="https://example.com/u/fifth", category="8.3")
    s = Complaint.objects.get(pk=filed["spring"].pk)
    assert fresh.calendar_warning == ""
    # the same receipt day: the fresh one has not waited, the recomputed one waited 3 working days
    assert _day(fresh.feedback_due_at) == D(2027, 2, 25) and _day(s.feedback_due_at) == D(2027, 3, 2)


def test_the_timeline_shows_the_change(filed, supervisor, login):
    enter_notice_2027(supervisor)
    holidays.holiday_year_confirm(actor=supervisor, year=2027, notice=NOTICE)
    complaint_deadlines_recompute(actor=supervisor, years=[2027])
    html = login(supervisor).get(f"/complaints/{filed['spring'].pk}/").content.decode()
    assert 'data-testid="deadline-change"' in html
    assert "反馈时限 2027-02-26 → 2027-03-02" in html and "2027 年安排已确认" in html
    assert 'data-testid="provisional"' not in html and 'data-testid="calendar-warning"' not in html
    # the New Year complaint keeps its dates: the entry says so instead of "x → x"
    html = login(supervisor).get(f"/complaints/{filed['new_year'].pk}/").content.decode()
    change = html[html.index('data-testid="deadline-change"'):]
    assert "时限不变 · 2027 年安排已确认" in change[:change.index("</span>")]


def test_pages_mark_provisional_deadlines_with_a_link_to_the_calendar(filed, moderator, supervisor, login,
                                                                      django_assert_max_num_queries):
    c = login(moderator)
    detail = c.get(f"/complaints/{filed['new_year'].pk}/").content.decode()
    assert 'href="/records/calendar/?year=2027"' in detail and ">暂定</a>" in detail
    assert 'data-testid="calendar-warning"' in detail and "尚未由主管确认" in detail
    with django_assert_max_num_queries(12):
        queue = c.get("/complaints/").content.decode()
    assert queue.count('data-testid="provisional"') == 2  # new_year and spring; nothing due on the others
    # the calendar page the link leads to is readable by a moderator, read-only
    page = c.get("/records/calendar/?year=2027")
    assert page.status_code == 200 and 'data-testid="entry-form"' not in page.content.decode()


def test_public_status_page_marks_the_provisional_deadline(filed, client):
    r = client.post("/complaints/public/status/", {"intent": "lookup", "code": filed["new_year"].tracking_code})
    html = r.content.decode()
    assert "暂定" in html and 'href="/complaints/public/process/"' in html
    assert "/records/calendar/" not in html  # no staff page on the public side
    assert "2027年1月15日" in html


def test_pause_and_resume_in_a_provisional_year(target, file_complaint, freeze, moderator):
    freeze(2027, 2, 1, 9, 0)
    c = file_complaint()
    c = services.complaint_accept(actor=moderator, complaint=c)
    c = services.complaint_request_info(actor=moderator, complaint=c, question="请补充截图和链接")
    freeze(2027, 2, 9, 9, 0)  # waited Feb 2, 3, 4 and 9 (the festival does not count)
    c = services.complaint_resume(actor=None, complaint=c, reply="已补充")
    assert c.paused_working_days == 4 and c.calendar_warning == "2027"


@pytest.mark.django_db(transaction=True)
def test_confirming_on_the_page_recomputes_through_the_registry(filed, supervisor, login):
    """End to end: the page's one-step confirm commits, the job runs every registered recomputer
    (complaints registers in its AppConfig.ready()), and the complaint's deadlines are final."""
    enter_notice_2027(supervisor)
    r = login(supervisor).post("/records/calendar/?year=2027", {"intent": "confirm", "year": "2027", "notice": NOTICE})
    assert r.status_code == 302 and r["Location"] == "/records/calendar/?year=2027"
    c = Complaint.objects.get(pk=filed["new_year"].pk)
    assert c.calendar_warning == ""
    assert [e.new["calendar"]["2027"] for e in _recomputes(c)][-1] == "confirmed"
    assert _day(Complaint.objects.get(pk=filed["spring"].pk).feedback_due_at) == D(2027, 3, 2)
