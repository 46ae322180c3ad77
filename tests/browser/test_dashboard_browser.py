"""A supervisor in Chromium opens the dashboard: the charts render as non-empty SVG, the date-range
picker changes them all, and a bar leads to the list it summarises with the matching filter."""

import datetime as dt

import pytest
from django.utils import timezone

from moderation.models import ReviewCase
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_supervisor_reads_the_charts_and_follows_one_to_its_list(page, staff_login, supervisor, moderator):
    now = timezone.now()
    for i, reason in enumerate(["registration", "registration", "complaint"]):
        ReviewCase.objects.create(subject_uid=f"b{i}", reason=reason, created_at=now - dt.timedelta(hours=2 + i),
                                  due_at=now + dt.timedelta(hours=4))
    ReviewCase.objects.create(subject_uid="b9", reason="change", created_at=now - dt.timedelta(days=1),
                              due_at=now, decided_at=now - dt.timedelta(hours=1), claimed_at=now - dt.timedelta(hours=2),
                              decided_by=moderator, status="decided", decision="approve")
    staff_login("supervisor", PASSWORD)
    page.goto("/")
    page.wait_for_selector("svg.chart")
    charts = page.locator("[data-testid=chart]")
    assert charts.count() >= 10
    backlog = page.locator('svg[data-chart="moderation.backlog_reason"]')
    assert backlog.locator("a rect").count() == 2  # one bar per reason with open cases, each a link
    box = backlog.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80
    assert page.locator('svg[data-chart="moderation.team_decisions"]').count() == 1  # supervisors see the team

    # the picker moves every chart to the chosen range
    today = timezone.localdate()
    page.fill("input[name=start]", (today - dt.timedelta(days=6)).isoformat())
    page.click("[data-testid=period-picker] button")
    page.wait_for_url(lambda url: "start=" in url)
    assert page.locator('svg[data-chart="moderation.cases_per_day"] circle').count() == 2 * 7

    # follow the registration bar to the case list filtered by that reason
    backlog = page.locator('svg[data-chart="moderation.backlog_reason"]')
    backlog.locator('a[href*="reason=registration"] rect').first.click()
    page.wait_for_url(lambda url: "/moderation/cases/" in url and "reason=registration" in url)
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
