"""Platform API: the happy paths and a table of bad requests, each with its status and field."""

import base64
import json

import pytest

from accounts.models import Account, OrgCertification, Qualification
from core.apiauth import api_client_create
from core.models import ApiCall

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def post(api, url, body, **extra):
    return api.post(url, data=json.dumps(body) if not isinstance(body, (str, bytes)) else body,
                    content_type="application/json", **extra)


@pytest.fixture
def person(make_account):
    return make_account(uid="p1", name="爱吃的小猫", mobile="13800138000", resident_id="110101199003071233")


@pytest.fixture
def org(make_account):
    return make_account(uid="o1", name="远山文化", kind="organization", is_public_account=True,
                        operator_name="远山文化传媒有限公司", operator_address="北京市海淀区", content_category="文化",
                        uscc="91110108551385082Q", contact="service@yuanshan.example.cn")


def test_get_account_masks_identity(api, person):
    r = api.get("/api/v1/accounts/p1")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["name"] == "爱吃的小猫"
    assert {i["masked"] for i in body["identities"]} == {"+86138****8000", "110***********1233"}
    assert "110101199003071233" not in r.content.decode()


def test_public_profile_shows_location_labels_and_art13(api, org, supervisor):
    from accounts import services

    post(api, "/api/v1/accounts/o1/activity", {"ip": "114.114.114.114"})
    q = services.qualification_submit(actor=None, account=org, data=services.QualificationInput(
        domain="news", document_name="互联网新闻信息服务许可证", document_number="10120170001", issuer="国家网信办"))
    services.qualification_decide(actor=supervisor, qualification=q, status="approved")
    r = api.get("/api/v1/accounts/o1/public-profile")
    body = r.json()
    assert body["ip_location"] == "江苏" and body["ip_location_label"] == "IP属地：江苏"
    assert [x["domain"] for x in body["qualification_labels"]] == ["news"]
    assert body["public_account"]["uscc"] == "91110108551385082Q"


def test_public_profile_of_individual_has_no_art13_block(api, person):
    body = api.get("/api/v1/accounts/p1/public-profile").json()
    assert body["public_account"] is None and body["ip_location"] == "未知"


def test_activity_stores_location_not_ip(api, person):
    r = post(api, "/api/v1/accounts/p1/activity", {"ip": "8.8.8.8"})
    assert r.json() == {"ip_location": "美国"}
    person.refresh_from_db()
    assert person.ip_location == "美国"
    assert "8.8.8.8" not in json.dumps([a.new for a in person.__class__.objects.none()])


def test_older_activity_does_not_overwrite_newer(api, person):
    post(api, "/api/v1/accounts/p1/activity", {"ip": "114.114.114.114", "at": "2026-11-20T10:00:00+08:00"})
    post(api, "/api/v1/accounts/p1/activity", {"ip": "8.8.8.8", "at": "2026-11-19T10:00:00+08:00"})
    person.refresh_from_db()
    assert person.ip_location == "江苏"


def test_qualification_submission(api, person):
    r = post(api, "/api/v1/accounts/p1/qualifications", {
        "domain": "medical", "document_name": "医师执业证书", "document_number": "110110000123456",
        "issuer": "北京市卫生健康委员会", "valid_until": "2030-01-01",
        "evidence_b64": base64.b64encode(PNG).decode()})
    assert r.status_code == 201, r.content
    q = Qualification.objects.get(pk=r.json()["id"])
    assert q.status == "pending" and q.evidence.name.endswith(".png")


def test_org_certification_submission(api, make_account):
    make_account(uid="o2", name="星河科技", kind="organization")
    r = post(api, "/api/v1/accounts/o2/org-certifications", {
        "uscc": "91110108551385082Q", "full_name": "北京星河科技有限公司", "short_name": "星河科技",
        "website": "https://xinghe.example.cn", "contact_person": "王敏", "contact_email": "wm@xinghe.example.cn"})
    assert r.status_code == 201, r.content
    cert = OrgCertification.objects.get()
    assert cert.org_class == "enterprise"


def test_every_call_recorded(api, person, platform_client):
    api.get("/api/v1/accounts/p1")
    api.get("/api/v1/accounts/nope")
    calls = list(ApiCall.objects.order_by("id").values_list("path", "status", "client_id"))
    assert calls == [("/api/v1/accounts/p1", 200, platform_client[0].pk), ("/api/v1/accounts/nope", 404, platform_client[0].pk)]


def test_openapi_docs_available(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/accounts/{uid}/public-profile" in r.json()["paths"]


QUAL_OK = {"domain": "medical", "document_name": "医师执业证书", "document_number": "1", "issuer": "卫健委"}
CERT_OK = {"uscc": "91110108551385082Q", "full_name": "北京星河科技有限公司", "contact_person": "王敏",
           "contact_email": "wm@example.cn", "website": "https://www.xinghe.com.cn"}

BAD_REQUESTS = [
    # (id, method, url, body, status, field)
    ("unknown-uid-get", "get", "/api/v1/accounts/nobody", None, 404, None),
    ("unknown-uid-profile", "get", "/api/v1/accounts/nobody/public-profile", None, 404, None),
    ("unknown-uid-activity", "post", "/api/v1/accounts/nobody/activity", {"ip": "1.2.3.4"}, 404, None),
    ("bad-uid-chars", "get", "/api/v1/accounts/a%20b", None, 422, "uid"),
    ("uid-too-long", "get", "/api/v1/accounts/" + "x" * 65, None, 422, "uid"),
    ("activity-missing-ip", "post", "/api/v1/accounts/p1/activity", {}, 422, "ip"),
    ("activity-ip-not-string", "post", "/api/v1/accounts/p1/activity", {"ip": 12345}, 422, "ip"),
    ("activity-ip-garbage", "post", "/api/v1/accounts/p1/activity", {"ip": "999.1.2.3"}, 422, "ip"),
    ("activity-ip-empty", "post", "/api/v1/accounts/p1/activity", {"ip": ""}, 422, "ip"),
    ("activity-ip-too-long", "post", "/api/v1/accounts/p1/activity", {"ip": "1" * 100}, 422, "ip"),
    ("activity-bad-time", "post", "/api/v1/accounts/p1/activity", {"ip": "1.2.3.4", "at": "yesterday"}, 422, "at"),
    ("activity-naive-time", "post", "/api/v1/accounts/p1/activity", {"ip": "1.2.3.4", "at": "2026-01-01T00:00:00"}, 422, "at"),
    ("activity-extra-field", "post", "/api/v1/accounts/p1/activity", {"ip": "1.2.3.4", "raw_ip_keep": True}, 422, "raw_ip_keep"),
    ("activity-not-json", "post", "/api/v1/accounts/p1/activity", "{not json", 400, None),
    ("activity-array-body", "post", "/api/v1/accounts/p1/activity", [1, 2], 422, None),
    ("qual-unknown-domain", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "domain": "astrology"}, 422, "domain"),
    ("qual-missing-issuer", "post", "/api/v1/accounts/p1/qualifications", {k: v for k, v in QUAL_OK.items() if k != "issuer"}, 422, "issuer"),
    ("qual-empty-name", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "document_name": "  "}, 422, "document_name"),
    ("qual-bad-date", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "valid_until": "2030-13-01"}, 422, "valid_until"),
    ("qual-expired", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "valid_until": "2001-01-01"}, 422, "valid_until"),
    ("qual-evidence-not-b64", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "evidence_b64": "@@@"}, 422, "evidence_b64"),
    ("qual-evidence-wrong-type", "post", "/api/v1/accounts/p1/qualifications",
     {**QUAL_OK, "evidence_b64": base64.b64encode(b"MZ\x90\x00 executable").decode()}, 422, "evidence_b64"),
    ("qual-evidence-too-big", "post", "/api/v1/accounts/p1/qualifications",
     {**QUAL_OK, "evidence_b64": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 10)).decode()}, 413, "evidence_b64"),
    ("qual-name-too-long", "post", "/api/v1/accounts/p1/qualifications", {**QUAL_OK, "document_name": "证" * 201}, 422, "document_name"),
    ("cert-bad-uscc-checksum", "post", "/api/v1/accounts/o1/org-certifications", {**CERT_OK, "uscc": "91110108551385082A"}, 422, "uscc"),
    ("cert-uscc-short", "post", "/api/v1/accounts/o1/org-certifications", {**CERT_OK, "uscc": "9111010855"}, 422, "uscc"),
    ("cert-bad-email", "post", "/api/v1/accounts/o1/org-certifications", {**CERT_OK, "contact_email": "not-an-email"}, 422, "contact_email"),
    ("cert-bad-website", "post", "/api/v1/accounts/o1/org-certifications", {**CERT_OK, "website": "javascript:alert(1)"}, 422, "website"),
    ("cert-missing-person", "post", "/api/v1/accounts/o1/org-certifications", {k: v for k, v in CERT_OK.items() if k != "contact_person"}, 422, "contact_person"),
    ("cert-individual-account", "post", "/api/v1/accounts/p1/org-certifications", CERT_OK, 409, "uid"),
    ("cert-name-wrong-type", "post", "/api/v1/accounts/o1/org-certifications", {**CERT_OK, "full_name": ["a"]}, 422, "full_name"),
    ("no-token", "get-anon", "/api/v1/accounts/p1", None, 401, None),
]


@pytest.mark.parametrize(("case", "method", "url", "body", "status", "field"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests(api, client, person, org, case, method, url, body, status, field):
    before = (Qualification.objects.count(), OrgCertification.objects.count(), Account.objects.count())
    if method == "get":
        r = api.get(url)
    elif method == "get-anon":
        r = client.get(url)
    else:
        r = post(api, url, body)
    assert r.status_code == status, r.content.decode()
    payload = r.json()
    assert payload["detail"]
    if field:
        fields = [e["field"] for e in payload["errors"]]
        assert field in fields, payload
    assert (Qualification.objects.count(), OrgCertification.objects.count(), Account.objects.count()) == before


def test_bad_token_and_missing_scope(client, person):
    r = client.get("/api/v1/accounts/p1", headers={"Authorization": "Bearer qlk_wrong"})
    assert r.status_code == 401
    _c, token = api_client_create(actor=None, name="readonly", scopes=["accounts:read"])
    r = client.post("/api/v1/accounts/p1/activity", data={"ip": "1.2.3.4"}, content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and "accounts:write" in r.json()["detail"]


def test_oversized_body_refused(api, person, settings):
    big = json.dumps({"ip": "1.2.3.4", "pad": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    r = api.post("/api/v1/accounts/p1/activity", data=big, content_type="application/json")
    assert r.status_code == 413
    assert r.json()["errors"][0]["field"] == "body"


def test_token_stored_hashed(platform_client):
    client, token = platform_client
    client.refresh_from_db()
    assert token not in (client.token_hash, client.token_prefix) and len(client.token_hash) == 64


@pytest.mark.parametrize(("method", "url", "body"), [
    ("post", "/api/v1/accounts/p1/activity", '{"ip": "1.2.3.4\\u0000"}'),
    ("post", "/api/v1/accounts/p1/qualifications", '{"domain": "medical", "document_name": "a\\u0000", "document_number": "1", "issuer": "x"}'),
    ("get", "/api/v1/accounts/p%001", None),
    ("get", "/api/v1/notices?uid=%00", None),
])
def test_nul_characters_refused_not_500(api, person, method, url, body):
    r = api.post(url, data=body, content_type="application/json") if method == "post" else api.get(url)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "body"


def test_nul_in_staff_pages_refused(login, moderator):
    assert login(moderator).get("/accounts/%00/").status_code == 400


def test_activity_time_bounds(api, person):
    r = post(api, "/api/v1/accounts/p1/activity", {"ip": "1.2.3.4", "at": "9999-12-31T23:59:59+14:00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "at"
