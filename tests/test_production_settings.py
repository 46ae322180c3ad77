"""Production fails safe (issue 11 §4): refuses to start without PostgreSQL, Redis, a strong
secret and its keys; ``check --deploy`` is clean in the documented configuration; JSON log
lines without personal numbers."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from config.production import problems, weak_secret
from core.crypto import generate_key
from core.logging import JsonFormatter, scrub

KEY = generate_key()
# The production configuration README.md and docs/security.md document.
DOCUMENTED = {
    "QINGLANG_ENV": "production",
    "DATABASE_URL": "postgres://qinglang@db.internal:5432/qinglang",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "qinglang.example.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://qinglang.example.cn",
    "QINGLANG_FIELD_KEY": KEY,
    "QINGLANG_LOOKUP_KEY": generate_key(),
    "QINGLANG_AUDIT_KEY": generate_key(),
    "QINGLANG_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}
_OURS = {"QINGLANG_", "DJANGO_", "DATABASE_URL", "REDIS_URL"}


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(tuple(_OURS))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_in_the_documented_production_configuration():
    result = _manage(DOCUMENTED, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_naming_everything_missing():
    result = _manage({"QINGLANG_ENV": "production", "DJANGO_SECRET_KEY": "short"}, "check")
    assert result.returncode != 0
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "QINGLANG_FIELD_KEY", "QINGLANG_LOOKUP_KEY",
                 "QINGLANG_AUDIT_KEY"):
        assert name in result.stderr, name
    assert "refuses to start" in result.stderr


@pytest.mark.parametrize(("change", "named"), [
    ({"DATABASE_URL": "sqlite:///var/qinglang.sqlite3"}, "DATABASE_URL"),
    ({"DATABASE_URL": ""}, "DATABASE_URL"),
    ({"REDIS_URL": ""}, "REDIS_URL"),
    ({"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "ab" * 40}, "DJANGO_SECRET_KEY"),
    ({"QINGLANG_LOOKUP_KEY": " "}, "QINGLANG_LOOKUP_KEY"),
    ({"QINGLANG_AUDIT_KEY": ""}, "QINGLANG_AUDIT_KEY"),
])
def test_each_unsafe_setting_is_named(change, named):
    found = problems({**DOCUMENTED, **change})
    assert len(found) == 1 and found[0].startswith(named)


def test_documented_configuration_has_no_problems():
    assert problems(DOCUMENTED) == []
    assert weak_secret("dev-only-insecure-key-qinglang") and not weak_secret(DOCUMENTED["DJANGO_SECRET_KEY"])


def test_production_settings_turn_on_https_and_json_logs():
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.LOG_FORMAT, s.DEBUG]))")
    result = _manage({**DOCUMENTED, "QINGLANG_HSTS_SECONDS": "600"}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        True, 600, ["HTTP_X_FORWARDED_PROTO", "https"], True, "json", False]


def test_scrub_masks_personal_numbers():
    assert scrub("mobile 13800138000 id 110101199003071233 from 203.0.113.7") == (
        "mobile 138******00 id 110*************33 from 203.0.*.*")
    assert scrub("case 12345 took 250 ms") == "case 12345 took 250 ms"


def test_json_lines_carry_request_fields_and_no_numbers(client, supervisor, caplog):
    client.force_login(supervisor)
    with caplog.at_level(logging.INFO, logger="qinglang.request"):
        client.get("/accounts/?q=13800138000", HTTP_X_REQUEST_ID="req-abc-1")
    record = next(r for r in caplog.records if r.name == "qinglang.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-abc-1" and line["user_id"] == supervisor.pk
    assert line["path"] == "/accounts/" and line["status"] == 200 and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["level"] == "INFO"
    assert "13800138000" not in json.dumps(line)
