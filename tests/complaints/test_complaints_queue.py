"""Staff pages: the queue (filters, htmx, query counts), the detail page and its actions, metrics,
policies, the holiday editor and alerts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import selectors, services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, SlaAlert
from core.models import Holiday
from tests.complaints.conftest import decide_linked_case


@pytest.fixture
def queue(make_account, file_complaint, moderator, freeze):
    for uid in ("q1", "q2", "q3"):
        make_account(uid=uid)
    freeze(2026, 11, 2, 9, 0)
    a = file_complaint(target="q1", category="8.2")
    freeze(2026, 11, 2, 9, 1)
    b = file_complaint(target="q2", category="8.6")
    freeze(2026, 11, 2, 9, 2)
    c = file_complaint(target="https://example.com/u/ghost", category="other")
    services.complaint_claim(actor=moderator, complaint=b)
    services.complaint_accept(actor=moderator, complaint=b)
    freeze(2026, 11, 4, 9, 0)  # a and c missed their acceptance deadline (11-03)
    return {"a": a, "b": b, "c": c}


def _codes(response):
    return [row.record.tracking_code for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["a", "c", "b"]),                  # by deadline: a and c due 11-03, b's feedback 11-23
    ("?status=accepted", ["b"]),
    ("?category=8.6", ["b"]),
    ("?target=q1", ["a"]),
    ("?q=q2", ["b"]),
    ("?overdue=true", ["a", "c"]),
    ("?overdue=false", ["b"]),
    ("?due=week", ["a", "c"]),
    ("?assignee=null", ["a", "c"]),
    ("?sort=-received", ["c", "b", "a"]),
])
def test_filters(login, moderator, queue, query, expected):
    r = login(moderator).get("/complaints/" + query)
    assert r.status_code == 200
    assert _codes(r) == [queue[k].tracking_code for k in expected]


def test_assignee_and_code_search(login, moderator, queue):
    c = login(moderator)
    assert _codes(c.get(f"/complaints/?assignee={moderator.pk}")) == [queue["b"].tracking_code]
    assert _codes(c.get("/complaints/?q=" + queue["c"].tracking_code.lower())) == [queue["c"].tracking_code]


def test_htmx_partial_and_no_contact_on_the_list(login, moderator, make_account, file_complaint):
    make_account(uid="h1")
    file_complaint(target="h1", contact="13800138000")
    r = login(moderator).get("/complaints/?status=received", headers={"HX-Request": "true"})
    html = r.content.decode()
    assert "<html" not in html and "h1" in html
    assert "13800138000" not in html and "138****8000" not in html


def test_queue_query_count_constant(login, moderator, make_account, file_complaint):
    c = login(moderator)
    make_account(uid="n0")
    file_complaint(target="n0")
    c.get("/complaints/")  # warm per-process and cached state (permissions, pause banner)
    with CaptureQueriesContext(connection) as small:
        assert c.get("/complaints/").status_code == 200
    for i in range(1, 30):
        make_account(uid=f"n{i}")
        complaint = file_complaint(target=f"n{i}", category="8.6" if i % 2 else "8.2")
        if i % 3 == 0:
            services.complaint_claim(actor=moderator, complaint=complaint)
    with CaptureQueriesContext(connection) as large:
        assert c.get("/complaints/").status_code == 200
    assert len(large) == len(small) <= 10, [q["sql"] for q in large.captured_queries]


def test_detail_query_count_bounded(login, moderator, target, file_complaint):
    c = file_complaint(contact="13800138000")
    for i in range(5):
        file_complaint(description=f"重复投诉 {i}，同一账号。")
    client = login(moderator)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/complaints/{c.pk}/")
    assert r.status_code == 200
    assert len(ctx) <= 20, [q["sql"] for q in ctx.captured_queries]
    html = r.content.decode()
    assert "138****8000" in html and "13800138000" not in html


def test_web_actions_walk_the_lifecycle(login, moderator, target, file_complaint):
    c = file_complaint()
    client = login(moderator)
    url = f"/complaints/{c.pk}/"
    for action, data in [("claim", {}), ("accept", {}), ("screen_start", {}),
                         ("screen", {"screen-result": "valid"})]:
        r = client.post(f"{url}{action}/", data)
        assert r.status_code == 302, action
    # while its review case is undecided, typed feedback is refused with a message (issue 14)
    r = client.post(f"{url}feedback/", {"feedback-outcome": "经核查属实，已处置。"}, follow=True)
    assert "尚未决定" in r.content.decode()
    decide_linked_case(c, moderator)
    assert client.post(f"{url}close/").status_code == 302
    c.refresh_from_db()
    assert c.status == ComplaintStatus.CLOSED and c.outcome == services.OUTCOME_VIOLATION
    r = client.post(f"{url}accept/", follow=True)  # illegal now: shown as an error, nothing changes
    assert "不能从" in r.content.decode()


def test_web_merge_by_code_and_unknown_action(login, moderator, make_account, file_complaint):
    make_account(uid="m1")
    a = file_complaint(target="m1")
    b = file_complaint(target="https://example.com/elsewhere")
    client = login(moderator)
    client.post(f"/complaints/{b.pk}/merge/", {"merge-into": a.tracking_code})
    b.refresh_from_db()
    assert b.status == ComplaintStatus.MERGED and b.merged_into == a
    assert client.post(f"/complaints/{a.pk}/explode/").status_code == 404


def _error(response, name: str) -> str:
    """The error shown under the field ``name`` (its html name, with the form's prefix)."""
    match = re.search(rf'id="error-{re.escape(name)}"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


@pytest.mark.parametrize(("action", "data", "field", "words"), [
    ("reject", {"reject-reason": "短"}, "reject-reason", "4"),
    ("merge", {"merge-into": "QL-AAAA-BBBB-CCCC"}, "merge-into", "查询码不存在"),
    ("request_info", {"question-question": ""}, "question-question", ""),
    ("bad_faith", {"badfaith-reason": ""}, "badfaith-reason", ""),
])
def test_action_input_errors_under_their_field(login, supervisor, target, file_complaint, action, data, field,
                                               words):
    c = file_complaint()
    r = login(supervisor).post(f"/complaints/{c.pk}/{action}/", data)
    assert r.status_code == 422 and words in _error(r, field), r.content.decode()[-3000:]
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED and not c.bad_faith


def test_screen_errors_under_their_field(login, moderator, target, file_complaint):
    c = file_complaint()
    client = login(moderator)
    client.post(f"/complaints/{c.pk}/accept/")
    client.post(f"/complaints/{c.pk}/screen_start/")
    r = client.post(f"/complaints/{c.pk}/screen/", {"screen-note": "看过了"})
    assert r.status_code == 422 and _error(r, "screen-result")
    assert "看过了" in r.content.decode()  # the rest of the input is kept
    r = client.post(f"/complaints/{c.pk}/screen/", {"screen-result": "duplicate"})  # the service names the field
    assert r.status_code == 422 and "重复的投诉查询码" in _error(r, "screen-duplicate_of")
    r = client.post(f"/complaints/{c.pk}/screen/", {"screen-result": "valid", "screen-duplicate_of": "nonsense"})
    assert r.status_code == 302  # a code next to another result is ignored, as before
    c.refresh_from_db()
    assert c.status == ComplaintStatus.WAITING_CASE


def test_feedback_error_under_its_field(login, moderator, target, file_complaint):
    c = file_complaint()
    Complaint.objects.filter(pk=c.pk).update(status=ComplaintStatus.HANDLING)
    r = login(moderator).post(f"/complaints/{c.pk}/feedback/", {"feedback-outcome": "好"})
    assert r.status_code == 422 and _error(r, "feedback-outcome")
    assert "好</textarea>" in r.content.decode()


def test_claim_next_via_web(login, moderator, target, file_complaint):
    c = file_complaint()
    r = login(moderator).post("/complaints/claim-next/")
    assert r.status_code == 302 and r["Location"] == f"/complaints/{c.pk}/"


def test_detail_shows_calendar_warning(login, moderator, target, file_complaint, freeze):
    freeze(2026, 12, 24, 9, 0)
    c = file_complaint()
    html = login(moderator).get(f"/complaints/{c.pk}/").content.decode()
    assert 'data-testid="calendar-warning"' in html and "2027" in html


def test_metrics_page(login, supervisor, moderator, make_account, file_complaint, freeze):
    make_account(uid="x1")
    make_account(uid="x2")
    freeze(2026, 11, 2, 9, 0)
    a = file_complaint(target="x1")
    b = file_complaint(target="x2", category="8.6")
    services.complaint_accept(actor=moderator, complaint=a)
    freeze(2026, 11, 5, 9, 0)
    a = Complaint.objects.get(pk=a.pk)
    services.complaint_start_screening(actor=moderator, complaint=a)
    services.complaint_screen(actor=moderator, complaint=Complaint.objects.get(pk=a.pk), result="invalid")
    services.complaint_accept(actor=moderator, complaint=b)  # late
    r = login(supervisor).get("/complaints/metrics/?since=2026-10-01&until=2026-11-30")
    totals = r.context["totals"]
    assert totals["received"] == 2 and totals["accepted"] == 2
    assert totals["accept_on_time_rate"] == 50.0 and totals["feedback_on_time_rate"] == 100.0
    assert totals["median_feedback_days"] == 3
    assert {row["category"] for row in r.context["by_category"]} == {"8.2", "8.6"}
    assert r.context["by_week"][0]["week"] == dt.date(2026, 11, 2)


def test_policy_and_calendar_pages(login, supervisor, auditor):
    c = login(supervisor)
    c.post("/complaints/policies/", {"category": "8.7", "accept_days": 2, "feedback_days": 10})
    assert "10" in c.get("/complaints/policies/").content.decode()
    r = c.post("/complaints/policies/", {"category": "8.7", "accept_days": 2, "feedback_days": 30})
    assert r.status_code == 422 and _error(r, "feedback_days") and not _error(r, "accept_days")
    assert 'value="30"' in r.content.decode()  # what was typed stays in its row
    r = c.post("/complaints/policies/", {"category": "8.7", "accept_days": 5, "feedback_days": 3})
    assert r.status_code == 422 and "受理时限不能长于反馈时限" in _error(r, "accept_days")
    assert "/records/calendar/?year=2027" in c.get("/complaints/policies/").content.decode()
    assert c.get("/complaints/calendar/?year=2027")["Location"] == "/records/calendar/?year=2027"
    c.post("/records/calendar/?year=2027", {"intent": "set", "date": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert Holiday.objects.filter(date="2027-02-06").exists()
    html = login(auditor).get("/records/calendar/?year=2027").content.decode()
    assert "春节" in html and 'data-testid="entry-form"' not in html


def test_alerts_page_and_ack(login, supervisor, target, file_complaint, freeze):
    from complaints import jobs

    freeze(2026, 11, 2, 9, 0)
    file_complaint()
    freeze(2026, 11, 5, 9, 0)
    jobs.sweep_deadlines()
    alert = SlaAlert.objects.get()
    c = login(supervisor)
    assert "已逾期" in c.get("/complaints/alerts/").content.decode()
    c.post(f"/complaints/alerts/{alert.pk}/ack/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor


def test_evidence_served_to_staff_only_with_safe_headers(login, moderator, target, file_complaint):
    from .conftest import image_bytes

    c = file_complaint(evidence=[image_bytes()])
    ev = c.evidence.get()
    r = login(moderator).get(f"/complaints/{c.pk}/evidence/{ev.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and "no-store" in r["Cache-Control"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert login(moderator).get(f"/complaints/{c.pk + 1}/evidence/{ev.pk}/").status_code == 404


def test_detail_query_count_does_not_grow_with_duplicates(login, moderator, target, file_complaint, flat_query_count):
    c = file_complaint(contact="13800138000")

    def add_row(i):
        file_complaint(description=f"重复投诉第{i}次，同一账号。")

    flat_query_count(login(moderator), f"/complaints/{c.pk}/", add_row, budget=20)


def test_alerts_query_count_is_flat(login, supervisor, make_account, file_complaint, flat_query_count):
    from django.utils import timezone

    from complaints.choices import DeadlineKind, SlaFlag
    from complaints.models import SlaAlert

    def add_row(i):
        make_account(uid=f"late-{i}")
        complaint = file_complaint(target=f"late-{i}")
        SlaAlert.objects.create(complaint=complaint, deadline=DeadlineKind.ACCEPT, level=SlaFlag.OVERDUE,
                                due_at=timezone.now())

    flat_query_count(login(supervisor), "/complaints/alerts/", add_row, budget=10)


def test_service_refusals_reach_an_english_user_in_english(login, supervisor, target, file_complaint):
    from django.conf import settings
    from django.utils import translation

    client = login(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        r = client.post("/complaints/policies/", {"category": "8.7", "accept_days": 5, "feedback_days": 3})
        assert "The acceptance time limit cannot be longer than the feedback time limit" in _error(r, "accept_days")
        c = file_complaint()
        r = client.post(f"/complaints/{c.pk}/screen/", {"screen-result": "valid"}, follow=True)
        assert "Only a complaint being screened can take a screening result (now: Received)" in r.content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def sqlite_complaints():
    """An in-memory SQLite database with the complaint table, beside the PostgreSQL one: the
    queue's order compiled for SQLite runs there (where NULLs sort first unless told otherwise)."""
    from django.db.models.sql import InsertQuery
    from django.db.utils import ConnectionHandler
    from django.utils import timezone

    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    with sqlite.schema_editor() as editor:
        editor.create_model(Complaint)
    sqlite.disable_constraint_checking()  # the tables its foreign keys name are not here
    now = timezone.now()
    rows = [("closed", None), ("late", now + dt.timedelta(days=9)), ("soon", now + dt.timedelta(days=1)),
            ("paused", None), ("bad-faith", now)]
    objs = [Complaint(tracking_code=code, category="8.2", source="web", target_text="x", target_key="x",
                      description="d", accept_due_at=now, feedback_due_at=now, next_due_at=due,
                      deprioritised=code == "bad-faith") for code, due in rows]
    insert = InsertQuery(Complaint)
    insert.insert_values([f for f in Complaint._meta.concrete_fields if not f.primary_key], objs)
    with sqlite.cursor() as cursor:
        for sql, params in insert.get_compiler(connection=sqlite).as_sql():
            cursor.execute(sql, params)

    def run(queryset) -> list[str]:
        sql, params = queryset.values_list("tracking_code", flat=True).query.get_compiler(connection=sqlite).as_sql()
        with sqlite.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    yield run
    sqlite.close()


def test_queue_order_is_the_same_on_sqlite(db, moderator, sqlite_complaints):
    """Issue 14 #2: on SQLite the queue showed finished complaints (no deadline) first."""
    from complaints.filtersets import ComplaintFilterSet
    from complaints.models import QUEUE_ORDER

    assert selectors.complaint_list(user=moderator).query.order_by == QUEUE_ORDER
    assert sqlite_complaints(Complaint.objects.order_by(*QUEUE_ORDER)) == [
        "soon", "late", "closed", "paused", "bad-faith"]
    assert sqlite_complaints(Complaint.objects.all()) == ["soon", "late", "closed", "paused", "bad-faith"]
    by_due = ComplaintFilterSet({"sort": "due"}, queryset=Complaint.objects.all()).qs
    assert sqlite_complaints(by_due)[:3] == ["bad-faith", "soon", "late"]
    latest_first = ComplaintFilterSet({"sort": "-due"}, queryset=Complaint.objects.all()).qs
    assert sqlite_complaints(latest_first)[:3] == ["late", "soon", "bad-faith"]
