"""The OpenAPI document tells the truth (issue 11): every status an operation answers, with the
one error shape; unmatched /api/ paths answer JSON; /api/docs needs no CDN."""

import re

import pytest

ERROR_REF = "#/components/schemas/ErrorOut"

# operation → the statuses it can answer (besides its 2xx)
EXPECTED = {
    ("get", "/api/v1/accounts/{uid}"): {401, 403, 404, 422},
    ("get", "/api/v1/accounts/{uid}/public-profile"): {401, 403, 404, 422},
    ("post", "/api/v1/accounts/{uid}/activity"): {400, 401, 403, 404, 413, 415, 422},
    ("post", "/api/v1/accounts/{uid}/qualifications"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("post", "/api/v1/accounts/{uid}/org-certifications"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("post", "/api/v1/complaints"): {400, 401, 403, 413, 415, 422},
    ("get", "/api/v1/complaints/{code}"): {401, 403, 404, 422},
    ("post", "/api/v1/submissions"): {400, 401, 403, 404, 409, 413, 415, 422, 503},
    ("get", "/api/v1/submissions/{submission_id}"): {401, 403, 404, 422},
    ("get", "/api/v1/notices"): {401, 403, 422},
    ("get", "/api/v1/accounts/{uid}/credit"): {401, 403, 404, 422},
    ("post", "/api/v1/accounts/{uid}/acceptances"): {400, 401, 403, 404, 413, 415, 422},
    ("post", "/api/v1/appeals"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("get", "/api/v1/appeals/{code}"): {401, 403, 404, 422},
}


@pytest.fixture
def schema(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_every_operation_documents_its_error_statuses(schema):
    found = {(method, path): op for path, ops in schema["paths"].items() for method, op in ops.items()}
    assert set(found) == set(EXPECTED), "a new operation needs its statuses declared (core.apierrors.errors)"
    for key, op in found.items():
        errors = {int(code) for code in op["responses"] if not code.startswith("2")}
        assert errors == EXPECTED[key], key
        for code in errors:
            response = op["responses"][str(code)]
            assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (key, code)
            assert response["description"] and response["description"] != "OK"
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "errors"}


def test_registration_schema_requires_identity_and_name(schema):
    body = schema["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]
    variants = {}
    for ref in body.get("oneOf") or body.get("anyOf"):
        model = components[ref["$ref"].rsplit("/", 1)[1]]
        variants[model["properties"]["kind"]["const"]] = model
    registration = variants["registration"]
    assert {"identity", "info", "uid", "idempotency_key"} <= set(registration["required"])
    info = components[registration["properties"]["info"]["$ref"].rsplit("/", 1)[1]]
    assert "name" in info["required"]
    assert "identity" not in variants["change"]["required"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/nope"), ("get", "/api/v1/"), ("get", "/api/v1/accounts/p1/"), ("post", "/api/v2/submissions"),
    ("get", "/api/v1/accounts/p1/unknown"), ("delete", "/api/v1/nothing"),
])
def test_unmatched_api_paths_answer_json_404(api, method, path):
    r = getattr(api, method)(path, content_type="application/json") if method != "get" else api.get(path)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["errors"] == [{"field": "path", "message": "no such endpoint", "code": "not_found"}]


def test_unmatched_api_paths_need_no_token_and_no_csrf(db):
    from django.test import Client

    r = Client(enforce_csrf_checks=True).post("/api/nope", data="{}", content_type="application/json")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "not_found"


def test_docs_use_vendored_swagger_ui(client):
    r = client.get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    assert all(a.startswith("/static/") for a in assets), assets  # nothing from a CDN
    assert "cdn" not in html.lower()
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
