"""One open application at a time (issue 11): one pending registration per uid, one pending
qualification per account and domain, one pending organisation certification per account. The
second is a clear 409; parallel duplicates never leave two open, never answer 500; duplicates
made before the constraints are resolved by the migrations."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts import identity
from accounts import services as account_services
from accounts.models import OrgCertification, Qualification
from core.apiauth import api_client_create
from core.errors import ServiceError
from moderation import services
from moderation.models import ReviewCase, Submission


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def registration(key: str, uid: str = "dup1", mobile: str = "13800138000") -> dict:
    # 中国… is a strict word (Art 10 ¶2): the registration waits for a supervisor, pending
    return {"idempotency_key": key, "kind": "registration", "uid": uid, "info": {"name": "中国美食地图"},
            "identity": {"method": "mobile", "number": mobile}}


QUALIFICATION = {"domain": "medical", "document_name": "医师执业证书", "document_number": "110000001",
                 "issuer": "北京市卫生健康委员会"}
CERTIFICATION = {"uscc": "91110108551385082Q", "full_name": "北京星河科技有限公司", "contact_person": "王敏",
                 "contact_email": "wm@xinghe.example.cn", "website": "https://www.xinghe-tech.cn"}


def parallel_posts(token: str, url: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST every body at the same instant, each from its own thread and database connection."""
    start = threading.Barrier(len(bodies), timeout=60)

    def post_one(body):
        try:
            client = Client(headers={"Authorization": f"Bearer {token}"})
            start.wait()
            r = post(client, url, body)
            return r.status_code, r.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post_one, bodies))


# --- registrations -------------------------------------------------------------------------------

def test_second_registration_of_a_pending_uid_is_409(api):
    first = post(api, "/api/v1/submissions", registration("reg-key-0001"))
    assert first.status_code == 201 and first.json()["status"] == "pending", first.content
    second = post(api, "/api/v1/submissions", registration("reg-key-0002", mobile="13900139000"))
    assert second.status_code == 409, second.content
    assert second.json()["errors"] == [{"field": "uid", "message": second.json()["detail"],
                                        "code": "registration_pending"}]
    # the idempotent retry of the first still replays it
    assert post(api, "/api/v1/submissions", registration("reg-key-0001")).status_code == 200
    assert Submission.objects.filter(uid="dup1").count() == 1


def test_registration_can_be_sent_again_once_the_first_is_refused(api, supervisor):
    first = post(api, "/api/v1/submissions", registration("reg-key-0003")).json()
    case = ReviewCase.objects.get(pk=first["case_id"])
    services.case_decide(actor=supervisor, case=case, decision="reject", articles=["10.2"], reason="名称使用从严词")
    again = post(api, "/api/v1/submissions", registration("reg-key-0004"))
    assert again.status_code == 201 and again.json()["status"] == "pending", again.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_one_uid_leave_one_pending():
    """20 registrations of one uid with different idempotency keys at the same moment: one is
    pending, the others 409 (issue 11: 13 pending on one case, never approvable)."""
    _client, token = api_client_create(actor=None, name="racer", scopes=["submissions:write"])
    bodies = [registration(f"race-key-{i:04d}", mobile=f"138{i:08d}") for i in range(20)]
    answers = parallel_posts(token, "/api/v1/submissions", bodies)
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * 19, answers
    assert {body["errors"][0]["field"] for status, body in answers if status == 409} == {"uid"}
    assert Submission.objects.filter(uid="dup1", status="pending").count() == 1
    assert Submission.objects.filter(uid="dup1").count() == 1


# --- qualifications and certifications ------------------------------------------------------------

@pytest.fixture
def org(make_account):
    return make_account(uid="o1", name="星河科技", kind="organization")


def test_second_qualification_in_the_same_domain_is_409(api, org):
    assert post(api, "/api/v1/accounts/o1/qualifications", QUALIFICATION).status_code == 201
    second = post(api, "/api/v1/accounts/o1/qualifications", {**QUALIFICATION, "document_number": "2"})
    assert second.status_code == 409, second.content
    assert second.json()["errors"][0] | {"message": ""} == {"field": "domain", "message": "",
                                                            "code": "application_pending"}
    other_domain = post(api, "/api/v1/accounts/o1/qualifications", {**QUALIFICATION, "domain": "education"})
    assert other_domain.status_code == 201, other_domain.content
    assert Qualification.objects.filter(account=org, domain="medical").count() == 1


def test_qualification_can_be_sent_again_once_decided(org, supervisor):
    data = account_services.QualificationInput(**QUALIFICATION)
    first = account_services.qualification_submit(actor=None, account=org, data=data)
    account_services.qualification_decide(actor=supervisor, qualification=first, status="rejected", note="材料模糊")
    second = account_services.qualification_submit(actor=None, account=org, data=data)
    assert second.status == "pending"


def test_second_certification_is_409(api, org, supervisor):
    assert post(api, "/api/v1/accounts/o1/org-certifications", CERTIFICATION).status_code == 201
    second = post(api, "/api/v1/accounts/o1/org-certifications", CERTIFICATION)
    assert second.status_code == 409, second.content
    assert second.json()["errors"][0]["code"] == "application_pending"
    cert = OrgCertification.objects.get()
    case = ReviewCase.objects.get(org_certification=cert)
    assert case.status == "open"
    with pytest.raises(ServiceError) as err:
        account_services.org_certification_submit(
            actor=None, account=org, identity=identity.validate_uscc(CERTIFICATION["uscc"]),
            full_name="北京星河科技有限公司", contact_person="王敏", contact_email="wm@xinghe.example.cn",
            website=CERTIFICATION["website"])
    assert (err.value.status, err.value.field) == (409, "account")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["org-certifications", "qualifications"])
def test_parallel_applications_create_one(make_account, kind):
    """Parallel certification posts created 12 pending applications (issue 11)."""
    make_account(uid="o1", name="星河科技", kind="organization")
    _client, token = api_client_create(actor=None, name="racer", scopes=["accounts:write"])
    body = CERTIFICATION if kind == "org-certifications" else QUALIFICATION
    answers = parallel_posts(token, f"/api/v1/accounts/o1/{kind}", [body] * 20)
    assert sorted(status for status, _body in answers) == [201] + [409] * 19, answers
    model = OrgCertification if kind == "org-certifications" else Qualification
    application = model.objects.get()
    assert application.status == "pending"
    assert ReviewCase.objects.filter(status="open").count() == 1


# --- migrations: duplicates made before the constraints --------------------------------------------

BEFORE = [("accounts", "0004_lean_indexes"), ("moderation", "0007_notice_webhook_events")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _duplicates(apps) -> dict:
    Account = apps.get_model("accounts", "Account")
    Qualification = apps.get_model("accounts", "Qualification")
    OrgCertification = apps.get_model("accounts", "OrgCertification")
    ReviewCase = apps.get_model("moderation", "ReviewCase")
    Submission = apps.get_model("moderation", "Submission")
    account = Account.objects.create(uid="m1", kind="organization", name="星河科技")
    quals = [Qualification.objects.create(account=account, domain="medical", document_name=f"证书{i}",
                                          document_number=str(i), issuer="卫健委") for i in range(3)]
    certs = [OrgCertification.objects.create(account=account, uscc="91110108551385082Q", org_class="enterprise",
                                             full_name="星河", contact_person="王", contact_email="w@x.cn")
             for _ in range(2)]
    # the race left the cases pointing at an older application
    qual_case = ReviewCase.objects.create(subject_uid="m1", account=account, reason="qualification",
                                          qualification=quals[0], due_at="2026-12-31T00:00:00Z")
    cert_case = ReviewCase.objects.create(subject_uid="m1", account=account, reason="org_certification",
                                          org_certification=certs[0], due_at="2026-12-31T00:00:00Z")
    subs = [Submission.objects.create(idempotency_key=f"k{i}", payload_hash="h", kind="registration", uid="new1",
                                      account_kind="individual", decision="review", status="pending")
            for i in range(3)]
    return {"quals": [q.pk for q in quals], "certs": [c.pk for c in certs], "subs": [s.pk for s in subs],
            "qual_case": qual_case.pk, "cert_case": cert_case.pk}


@pytest.mark.django_db(transaction=True)
def test_migrations_resolve_existing_duplicates():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        made = _duplicates(_migrate(BEFORE))
    finally:
        apps = _migrate(leaves)
    Qualification = apps.get_model("accounts", "Qualification")
    OrgCertification = apps.get_model("accounts", "OrgCertification")
    ReviewCase = apps.get_model("moderation", "ReviewCase")
    Submission = apps.get_model("moderation", "Submission")
    statuses = dict(Qualification.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in made["quals"]] == ["rejected", "rejected", "pending"]
    assert Qualification.objects.get(pk=made["quals"][0]).review_note.startswith("同一账号同一领域")
    statuses = dict(OrgCertification.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in made["certs"]] == ["rejected", "pending"]
    assert ReviewCase.objects.get(pk=made["qual_case"]).qualification_id == made["quals"][-1]
    assert ReviewCase.objects.get(pk=made["cert_case"]).org_certification_id == made["certs"][-1]
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in made["subs"]] == ["superseded", "superseded", "pending"]


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_qualifications_in_two_domains_share_a_case_that_decides_both(api, org, supervisor, decision):
    """A second domain joins the open qualification case as its own finding, and the decision
    covers both (issue 11: it re-pointed the case, and the first stayed pending for ever)."""
    first = post(api, "/api/v1/accounts/o1/qualifications", QUALIFICATION).json()
    second = post(api, "/api/v1/accounts/o1/qualifications", {**QUALIFICATION, "domain": "education"}).json()
    case = ReviewCase.objects.get(subject_uid="o1", reason="qualification")
    assert sorted(f["term"] for f in case.findings) == ["education", "medical"]
    services.case_decide(actor=supervisor, case=case, decision=decision, articles=["11"], reason="材料核验")
    statuses = {q.pk: q.status for q in Qualification.objects.all()}
    expected = "approved" if decision == "approve" else "rejected"
    assert statuses == {first["id"]: expected, second["id"]: expected}
