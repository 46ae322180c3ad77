"""The report pages through the browser's eyes (test client): forms, errors under fields, the
workflow by POST, and bounded query counts on lists and the detail page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reports import services
from reports.models import RegulatorReport

CONTACT = {"narrative": "说明", "contact_name": "王主管", "contact_title": "", "contact_phone": "010-1",
           "contact_email": ""}


@pytest.fixture
def client_jobs(django_capture_on_commit_callbacks):
    """POST through the test client with jobs run on commit."""

    def _post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return _post


def test_new_report_forms_and_errors(login, supervisor, client_jobs):
    client = login(supervisor)
    page = client.get("/reports/new/").content.decode()
    assert 'id="periodic-form"' in page and 'id="incident-form"' in page and 'id="inspection-form"' in page
    response = client_jobs(client, "/reports/new/", {"kind": "incident"})
    assert response.status_code == 422 and "处置措施" in response.content.decode()
    response = client_jobs(client, "/reports/new/", {"kind": "inspection", "inspection-start": "2026-12-02",
                                                     "inspection-end": "2026-11-01"})
    assert response.status_code == 422 and "结束日期不能早于开始日期" in response.content.decode()
    today = timezone.localdate()
    response = client_jobs(client, "/reports/new/", {"kind": "periodic", "periodic-period_kind": "quarter",
                                                     "periodic-year": today.year, "periodic-number": 9})
    assert response.status_code == 422 and "季度须在 1–4 之间" in response.content.decode()
    response = client_jobs(client, "/reports/new/", {"kind": "periodic", "periodic-period_kind": "month",
                                                     "periodic-year": today.year, "periodic-number": today.month})
    report = RegulatorReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "草稿" in detail and "id=\"edit-form\"" in detail and "概况" in detail


def test_workflow_by_post(login, supervisor, supervisor2, client_jobs):
    today = timezone.localdate()
    client = login(supervisor)
    client_jobs(client, "/reports/new/", {"kind": "periodic", "periodic-period_kind": "month",
                                          "periodic-year": today.year, "periodic-number": today.month})
    report = RegulatorReport.objects.get()
    assert client.post(f"/reports/{report.pk}/edit/", CONTACT).status_code == 302
    assert client.post(f"/reports/{report.pk}/request-approval/").status_code == 302
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "须由另一位主管批准" in page and 'data-testid="approve"' not in page
    approver = login(supervisor2)
    response = client_jobs(approver, f"/reports/{report.pk}/approve/")
    assert response.status_code == 302
    response = approver.post(f"/reports/{report.pk}/submit/", {"channel": "email", "reference": "x",
                                                               "submitted_on": today.isoformat(), "person": "王主管"})
    assert response.status_code == 422 and "回执编号" in response.content.decode()
    response = approver.post(f"/reports/{report.pk}/submit/", {"channel": "email", "reference": "回执 1",
                                                               "submitted_on": today.isoformat(), "person": "王主管"})
    assert response.status_code == 302
    page = approver.get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="locked"' in page and "SHA-256" in page and 'id="submit-form"' not in page


def test_list_pages_have_bounded_queries(login, supervisor, supervisor2, make_account, ban, run_jobs,
                                         django_assert_max_num_queries):
    for i in range(3):
        m = ban(make_account(uid=f"q{i}"))
        run_jobs(services.report_create_incident, actor=supervisor, measure_ids=[m.pk])
    report = RegulatorReport.objects.first()
    client = login(supervisor2)
    client.get("/reports/exports/")  # warm the session and permission caches
    for url in ("/reports/", "/reports/measures/", "/reports/exports/", f"/reports/{report.pk}/",
                "/moderation/submissions/"):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url
