"""NUL characters and content types (issue 11): a NUL is refused whatever type the body declares,
in any letter case, and the API refuses bodies that are not JSON with 415 — never a 500."""

import json

import pytest

from accounts.models import Account
from complaints.models import Complaint

BOUNDARY = "qinglang-test-boundary"


def multipart(fields: dict, files: dict | None = None) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    for name, (filename, content) in (files or {}).items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n{content}\r\n")
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


ACTIVITY_NUL = '{"ip": "1.2.3.4\\u0000"}'

# (declared content type, body with a NUL in it) — JSON under every spelling, then other types
JSON_BODIES = [
    ("application/json", ACTIVITY_NUL),
    ("APPLICATION/JSON", ACTIVITY_NUL),
    ("Application/Json; charset=UTF-8", ACTIVITY_NUL),
    ("application/json", ACTIVITY_NUL.replace("\\u0000", "\\U0000")),
    ("application/json", '{"ip": "1.2.3.4\x00"}'),
    ("application/vnd.qinglang+json", ACTIVITY_NUL),
]
OTHER_BODIES = [
    ("text/plain", ACTIVITY_NUL),
    ("TEXT/PLAIN; charset=utf-8", '{"ip": "1.2.3.4\x00"}'),
    ("application/x-www-form-urlencoded", "ip=1.2.3.4%00"),
    ("APPLICATION/X-WWW-FORM-URLENCODED", "ip=1.2.3.4%00"),
    (f"multipart/form-data; boundary={BOUNDARY}", multipart({"ip": "1.2.3.4\x00"})),
    (f"MULTIPART/FORM-DATA; boundary={BOUNDARY}", multipart({"ip": "1.2.3.4\x00"})),
    ("application/xml", "<ip>1.2.3.4&#0;</ip>"),
    ("application/octet-stream", b"\x00\x01"),
    ("", ACTIVITY_NUL),
]


@pytest.fixture
def person(make_account):
    return make_account(uid="p1", name="小明")


def _post(client, url, content_type, body):
    extra = {"CONTENT_TYPE": content_type} if content_type else {}
    data = body if isinstance(body, bytes) else body.encode()
    return client.generic("POST", url, data, **extra)


@pytest.mark.parametrize(("content_type", "body"), JSON_BODIES)
def test_api_refuses_nul_in_json_under_any_spelling(api, person, content_type, body):
    r = _post(api, "/api/v1/accounts/p1/activity", content_type, body)
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == [{"field": "body", "message": "NUL character", "code": "nul"}]
    assert Account.objects.get(uid="p1").ip_location == ""


@pytest.mark.parametrize(("content_type", "body"), OTHER_BODIES)
def test_api_refuses_bodies_that_are_not_json_with_415(api, person, content_type, body):
    r = _post(api, "/api/v1/accounts/p1/activity", content_type, body)
    assert r.status_code == 415, r.content
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["errors"][0] == {"field": "body", "message": "unsupported media type",
                                     "code": "unsupported_media_type"}


@pytest.mark.parametrize("with_nul", [False, True])
def test_multipart_complaint_over_the_api_is_415_not_500(api, with_nul):
    """It used to be parsed by the NUL guard and then read again by the API: RawPostDataException."""
    fields = {"category": "8.4", "target": "t1", "description": "账号名称冒充新闻媒体" + ("\x00" if with_nul else "")}
    r = _post(api, "/api/v1/complaints", f"multipart/form-data; boundary={BOUNDARY}",
              multipart(fields, {"evidence": ("a.png", "not an image")}))
    assert r.status_code == 415, r.content
    assert r.json()["errors"][0]["code"] == "unsupported_media_type"
    assert not Complaint.objects.exists()


def test_json_without_nul_still_works_under_any_spelling(api, person):
    for content_type in ("APPLICATION/JSON", "application/json; charset=utf-8"):
        r = _post(api, "/api/v1/accounts/p1/activity", content_type, json.dumps({"ip": "1.2.3.4"}))
        assert r.status_code == 200, r.content


def test_empty_post_is_a_validation_error_not_415(api, person):
    r = api.generic("POST", "/api/v1/accounts/p1/activity", b"")
    assert r.status_code == 422, r.content


# (A NUL in an uploaded file's name is not here: Django's multipart parser drops it from the name.)
WEB_BODIES = [
    ("application/x-www-form-urlencoded", "intent=lookup&code=ABC%00"),
    ("APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8", "intent=lookup&code=ABC%00"),
    ("application/x-www-form-urlencoded", "code%00=ABC"),
    (f"multipart/form-data; boundary={BOUNDARY}", multipart({"intent": "lookup", "code": "ABC\x00"})),
    (f"MULTIPART/FORM-DATA; boundary={BOUNDARY}", multipart({"intent": "lookup", "code": "ABC\x00"})),
    ("text/plain", "intent=lookup&code=ABC\x00"),
    ("APPLICATION/JSON", '{"code": "ABC\\u0000"}'),
    ("application/json", '{"code": "ABC\\U0000"}'),
    ("application/octet-stream", b"\x00"),
    ("", "code=ABC\x00"),
]


@pytest.mark.parametrize(("content_type", "body"), WEB_BODIES)
def test_public_page_refuses_nul_under_every_content_type(client, db, content_type, body):
    r = _post(client, "/complaints/public/status/", content_type, body)
    assert r.status_code == 400, r.content


@pytest.mark.parametrize(("content_type", "body"), WEB_BODIES)
def test_staff_page_refuses_nul_under_every_content_type(login, supervisor, content_type, body):
    r = _post(login(supervisor), "/complaints/policies/", content_type, body)
    assert r.status_code == 400, r.content


def test_web_forms_without_nul_are_untouched(login, supervisor):
    r = _post(login(supervisor), "/complaints/policies/", f"multipart/form-data; boundary={BOUNDARY}",
              multipart({"unrelated": "值"}))
    assert r.status_code != 400
