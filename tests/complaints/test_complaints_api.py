"""POST /api/v1/complaints: forwarded platform reports, same error shape as the rest of the API."""

import base64
import json

import pytest
from django.test import Client

from complaints.models import Complaint
from core.apiauth import api_client_create

from .conftest import image_bytes


def post(api, body):
    return api.post("/api/v1/complaints", data=json.dumps(body), content_type="application/json")


GOOD = {"category": "8.4", "target": "t1", "description": "账号名称冒充新闻媒体。", "external_ref": "rep-1"}


def test_submit_and_poll(api, target):
    r = post(api, {**GOOD, "evidence_b64": [base64.b64encode(image_bytes()).decode()], "contact": "13800138000"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "received" and body["merged"] is False and body["outcome"] == ""
    c = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert c.source == "api" and c.api_client.name == "platform" and c.evidence.count() == 1
    assert api.get(f"/api/v1/complaints/{body['tracking_code']}").json()["status"] == "received"


def test_idempotent_on_external_ref(api, target):
    first = post(api, GOOD)
    again = post(api, GOOD)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert Complaint.objects.count() == 1


def test_api_reports_are_merged_not_rate_limited(api, target, settings):
    settings.COMPLAINTS_RATE_LIMITS = {"target": [(1, 3600)]}
    codes = [post(api, {**GOOD, "external_ref": f"rep-{i}"}).json() for i in range(3)]
    assert [c["merged"] for c in codes] == [False, True, True]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({**GOOD, "category": "9.9"}, 422, "category"),
    ({k: v for k, v in GOOD.items() if k != "target"}, 422, "target"),
    ({**GOOD, "description": "短"}, 422, "description"),
    ({**GOOD, "description": "长" * 2001}, 422, "description"),
    ({**GOOD, "contact": "微信 abc123"}, 422, "contact"),
    ({**GOOD, "evidence_b64": ["not base64!!"]}, 422, "evidence_b64.0"),
    ({**GOOD, "evidence_b64": [base64.b64encode(b"%PDF-1.4").decode()]}, 422, "evidence_b64.0"),
    ({**GOOD, "evidence_b64": [base64.b64encode(image_bytes())] * 0 + ["x"] * 4}, 422, "evidence_b64"),
    ({**GOOD, "unexpected": 1}, 422, "unexpected"),
])
def test_bad_input(api, target, body, status, field):
    r = post(api, body)
    assert r.status_code == status, r.content
    data = r.json()
    assert data["detail"] and field in [e["field"] for e in data["errors"]], data
    assert not Complaint.objects.exists()


def test_scope_and_auth(db, target):
    _client, token = api_client_create(actor=None, name="reader", scopes=["accounts:read"])
    r = Client(headers={"Authorization": f"Bearer {token}"}).post(
        "/api/v1/complaints", data=json.dumps(GOOD), content_type="application/json")
    assert r.status_code == 403 and "complaints:write" in r.json()["detail"]
    assert Client().post("/api/v1/complaints", data=json.dumps(GOOD), content_type="application/json").status_code == 401


def test_clients_see_only_their_own_complaints(api, target, file_complaint):
    web = file_complaint()
    r = api.get(f"/api/v1/complaints/{web.tracking_code}")
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "code"


def _parallel_posts(token: str, bodies: list[dict]) -> list[int]:
    """POST every body at the same instant, each from its own thread and database connection."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    start = threading.Barrier(len(bodies), timeout=60)

    def post_one(body) -> int:
        try:
            client = Client(headers={"Authorization": f"Bearer {token}"})
            start.wait()
            return post(client, body).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post_one, bodies))


@pytest.mark.postgres  # 20 real threads writing at once: SQLite in memory is one connection
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_target", [True, False], ids=["same-report", "same-ref-other-targets"])
def test_parallel_duplicates_replay_never_500(make_account, same_target):
    """20 retries of one platform report at the same moment: one is created, the others replay it
    (issue 11: 13 of 20 used to answer 500 on the unique external_ref)."""
    make_account(uid="t1")
    _client, token = api_client_create(actor=None, name="racer", scopes=["complaints:write"])
    bodies = [{**GOOD, "external_ref": "race-1", **({} if same_target else {"target": f"https://example.com/u/{i}"})}
              for i in range(20)]
    statuses = _parallel_posts(token, bodies)
    assert sorted(statuses) == [200] * 19 + [201], statuses
    assert Complaint.objects.filter(external_ref="race-1").count() == 1
