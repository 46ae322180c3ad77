import itertools
import json

import pytest

_keys = itertools.count(1)


@pytest.fixture
def submit(api):
    """POST a submission; returns (status, body)."""

    def _submit(uid: str, info: dict, *, kind: str = "registration", identity: dict | None = None, key: str | None = None,
                **extra):
        body = {"idempotency_key": key or f"key-{next(_keys):06d}", "kind": kind, "uid": uid, "info": info, **extra}
        if identity is None and kind == "registration":
            identity = {"method": "mobile", "number": f"138{next(_keys):08d}"}
        if identity is not None:
            body["identity"] = identity
        r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
        return r.status_code, r.json()

    return _submit
