"""Dashboard charts: each chart's numbers against hand-counted fixtures, the date range, the links
to the lists, team charts for supervisors only, and the page's query count."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone

from complaints import charts as complaint_charts
from complaints.models import Complaint
from core.charts import Period, period_from, render_svg
from core.workdays import SHANGHAI
from moderation import charts
from moderation.models import Measure, ReviewCase, Submission

D = dt.date(2026, 11, 2)  # a Monday
PERIOD = Period(D, D + dt.timedelta(days=6))


def at(day_offset, hour=10, minute=0):
    return dt.datetime.combine(D + dt.timedelta(days=day_offset), dt.time(hour, minute), tzinfo=SHANGHAI)


def req(user):
    r = RequestFactory().get("/")
    r.user = user
    return r


def values(spec, name=None):
    series = spec["series"] if name is None else [s for s in spec["series"] if s["name"] == name]
    return series[0]["values"]


def case(reason="registration", *, created, decided=None, claimed=None, by=None, status=None, due=None):
    return ReviewCase.objects.create(
        subject_uid=f"c{ReviewCase.objects.count()}", reason=reason, created_at=created,
        due_at=due or created + dt.timedelta(hours=4), decided_at=decided, claimed_at=claimed, decided_by=by,
        status=status or ("decided" if decided else "open"), decision="approve" if decided else "")


@pytest.fixture
def cases(moderator, supervisor):
    # Opened: day 0 ×2, day 1 ×1 (+1 at 23:30 Beijing on day 1 = 15:30 UTC, still day 1).
    case(created=at(0), decided=at(0, 12), claimed=at(0, 11), by=moderator)        # 2 h, handled 60 min
    case(created=at(0), decided=at(1, 10), claimed=at(1, 9, 30), by=moderator)     # 24 h, handled 30 min
    case(created=at(1), decided=at(1, 14), claimed=at(1, 13), by=supervisor)       # 4 h, handled 60 min
    case(created=at(1, 23, 30), decided=at(2, 23, 30), claimed=at(2, 23), by=supervisor)  # 24 h, 30 min
    case(created=at(-5), decided=at(-4))  # outside the period on both ends


def test_cases_opened_and_decided_per_day(cases, supervisor):
    spec = charts.cases_opened_decided(req(supervisor), PERIOD)
    assert spec["labels"][:3] == ["11-2", "11-3", "11-4"]
    assert values(spec, "新开") == [2, 2, 0, 0, 0, 0, 0]
    assert values(spec, "已决定") == [1, 2, 1, 0, 0, 0, 0]


def test_median_time_to_decision_per_day(cases, supervisor):
    spec = charts.median_time_to_decision(req(supervisor), PERIOD)
    assert values(spec)[:3] == [2.0, 14.0, 24.0]  # day 1: median of 24 h and 4 h


def test_team_charts_are_for_supervisors_only(cases, moderator, supervisor):
    assert charts.decisions_per_moderator(req(moderator), PERIOD) is None
    assert charts.handling_time_per_moderator(req(moderator), PERIOD) is None
    spec = charts.decisions_per_moderator(req(supervisor), PERIOD)
    assert values(spec, "moderator")[:3] == [1, 1, 0] and values(spec, "supervisor")[:3] == [0, 1, 1]
    spec = charts.handling_time_per_moderator(req(supervisor), PERIOD)
    assert spec["labels"] == ["moderator", "supervisor"] and values(spec) == [45.0, 45.0]
    assert spec["links"][0].endswith("assignee=moderator")


def test_backlog_by_reason_and_age(db, supervisor):
    now = timezone.now()
    case("registration", created=now - dt.timedelta(minutes=10))
    case("registration", created=now - dt.timedelta(hours=5), due=now - dt.timedelta(hours=1))
    case("complaint", created=now - dt.timedelta(days=2), due=now - dt.timedelta(days=1))
    case("change", created=now - dt.timedelta(days=10), status="claimed")
    case("change", created=now - dt.timedelta(days=10), decided=now)  # decided: not backlog
    spec = charts.backlog_by_reason(req(supervisor), PERIOD)
    assert dict(zip(spec["labels"], values(spec), strict=True)) == {"注册核验": 2, "变更核验": 1, "投诉举报": 1}
    assert all("?reason=" in link for link in spec["links"])
    spec = charts.backlog_by_age(req(supervisor), PERIOD)
    assert values(spec) == [1, 1, 1, 1] and "3" in spec["note"]  # all but the newest are past due
    assert spec["links"][0].endswith("?age=1h") and spec["url"].endswith("?due=overdue")


def _measure(account, kind, created, basis, state="active", expires=None):
    return Measure.objects.create(account=account, kind=kind, legal_basis=basis, reason="r", created_at=created,
                                  issued_by_label="s", state=state, expires_at=expires)


def test_measures_per_week_top_articles_and_overdue_corrections(make_account, supervisor):
    a = make_account()
    _measure(a, "warning", at(0), ["8.7"])
    _measure(a, "warning", at(3), ["8.7", "8.6"])
    _measure(a, "suspend", at(6), ["8.6"])
    _measure(a, "correction_order", at(1), ["8.7"], state="escalated", expires=at(2))
    _measure(a, "correction_order", at(-30), ["8.1"], expires=timezone.now() - dt.timedelta(hours=1))
    spec = charts.measures_by_kind_per_week(req(supervisor), PERIOD)
    assert spec["labels"] == ["11-2"]
    assert {s["name"]: s["values"] for s in spec["series"]} == {"警示提醒": [2], "限期改正": [1], "暂停使用": [1]}
    spec = charts.top_measure_articles(req(supervisor), PERIOD)
    assert list(zip(spec["labels"], values(spec), strict=True)) == [("Art 8.7", 3), ("Art 8.6", 2)]
    tile = charts.overdue_corrections_tile(req(supervisor))
    assert tile["value"] == 2 and "kind=correction_order" in tile["url"]


def _submission(i, decision, created, articles=()):
    return Submission.objects.create(
        idempotency_key=f"k{i}", payload_hash="h", kind="registration", uid=f"s{i}", account_kind="individual",
        decision=decision, status="applied", created_at=created,
        findings=[{"article": a, "field": "name", "severity": decision} for a in articles])


def test_submissions_by_verdict_and_top_findings(db, supervisor):
    _submission(1, "allow", at(0))
    _submission(2, "allow", at(0), ["8.7"])  # allowed: not counted in the findings
    _submission(3, "reject", at(0), ["8.4", "8.6"])
    _submission(4, "review", at(1), ["8.6"])
    _submission(5, "strict_review", at(1), ["10.2"])
    _submission(6, "reject", at(9), ["8.4"])  # after the period
    spec = charts.submissions_by_verdict(req(supervisor), PERIOD)
    by = {s["name"]: s["values"][:2] for s in spec["series"]}
    assert by == {"通过": [2, 0], "人工核验": [0, 1], "从严核验": [0, 1], "不予注册或变更": [1, 0]}
    spec = charts.top_findings(req(supervisor), PERIOD)
    assert list(zip(spec["labels"], values(spec), strict=True)) == [("Art 8.6", 2), ("Art 10.2", 1), ("Art 8.4", 1)]
    assert spec["links"][0].endswith("?article=8.6")


def _complaint(i, category, received, closed=None, accept_ok=None, feedback_ok=None):
    return Complaint.objects.create(
        tracking_code=f"T{i:06d}", category=category, source="web", target_text="x", target_key="x",
        description="d", received_at=received, closed_at=closed, accept_due_at=received, feedback_due_at=received,
        accept_on_time=accept_ok, feedback_on_time=feedback_ok)


def test_complaints_received_closed_and_on_time_rates(db, supervisor):
    _complaint(1, "8.6", at(0), closed=at(1), accept_ok=True, feedback_ok=True)
    _complaint(2, "8.6", at(0), accept_ok=False)
    _complaint(3, "8.6", at(1), accept_ok=True, feedback_ok=False)
    _complaint(4, "impersonation", at(2), closed=at(2, 18), accept_ok=True, feedback_ok=True)
    spec = complaint_charts.received_closed(req(supervisor), PERIOD)
    assert values(spec, "收到")[:3] == [2, 1, 1] and values(spec, "办结")[:3] == [0, 1, 1]
    spec = complaint_charts.on_time_by_category(req(supervisor), PERIOD)
    rates = {label: (a, f) for label, a, f in zip(spec["labels"], values(spec, "按时受理"), values(spec, "按时反馈"),
                                                  strict=True)}
    assert rates == {"夹带二维码、网址、联系方式等引流信息": (66.7, 50.0), "冒用我或我单位的名义": (100.0, 100.0)}
    assert spec["links"][0].endswith("?category=8.6")


def test_period_picker_and_svg():
    assert period_from({"start": "2026-11-02", "end": "2026-11-08"}) == (PERIOD, "")
    assert period_from({"start": "2026-11-08", "end": "2026-11-02"})[1]
    assert period_from({"start": "bad"})[1]
    spec = {"key": "k", "title": "标题<x>", "labels": ["a"], "series": [{"name": "名", "values": [3]}],
            "links": ["/l?x=1&y=2"], "kind": "bar", "unit": "", "note": "", "url": "", "total": 3}
    svg = render_svg(spec)
    assert svg.startswith("<svg") and "<rect" in svg and "标题&lt;x&gt;" in svg and "/l?x=1&amp;y=2" in svg


def test_dashboard_page_shows_every_chart_with_links_and_a_flat_query_count(
        cases, login, supervisor, moderator, django_assert_max_num_queries):
    client = login(supervisor)
    client.get("/?start=2026-11-02&end=2026-11-08")
    with django_assert_max_num_queries(40) as captured:
        html = client.get("/?start=2026-11-02&end=2026-11-08").content.decode()
    assert html.count('data-testid="chart"') == 12
    assert 'href="/moderation/cases/?status=all"' in html and "团队：每人每日决定数" in html
    assert 'value="2026-11-02"' in html
    queries = len(captured)
    for _ in range(20):  # more rows, same number of queries
        case(created=at(2), decided=at(3), claimed=at(3), by=moderator)
    with django_assert_max_num_queries(queries):
        client.get("/?start=2026-11-02&end=2026-11-08")
    moderator_html = login(moderator).get("/").content.decode()
    assert "团队：每人每日决定数" not in moderator_html
    assert len(re.findall(r"<svg", moderator_html)) >= 1


def test_charts_are_cached_per_period_and_permissions(cases, supervisor, moderator, django_assert_num_queries):
    from core.charts import cached_charts
    from core.registry import registry

    period = Period(D - dt.timedelta(days=3), D + dt.timedelta(days=5))  # a range no other test uses
    first = cached_charts(registry.dashboard_charts, req(supervisor), period, seconds=60)
    with django_assert_num_queries(0):
        again = cached_charts(registry.dashboard_charts, req(supervisor), period, seconds=60)
    assert again == first
    mod = cached_charts(registry.dashboard_charts, req(moderator), period, seconds=60)
    assert "moderation.team_decisions" not in {c["key"] for c in mod}  # another permission set, another entry


def test_scheduled_warming_fills_the_cache_for_each_role(cases, supervisor, moderator, settings,
                                                         django_assert_num_queries):
    from core.charts import cached_charts, period_from, warm_dashboard
    from core.registry import registry

    settings.DASHBOARD_CHART_CACHE_SECONDS = 60
    assert warm_dashboard() >= 2  # moderator and supervisor (one user per role)
    supervisor.get_all_permissions()  # the page has them loaded already (middleware, navigation)
    with django_assert_num_queries(0):
        charts_now = cached_charts(registry.dashboard_charts, req(supervisor), period_from({})[0], seconds=60)
    assert "moderation.team_decisions" in {c["key"] for c in charts_now}
