"""Small things that stop an operator (issue 22): where files go by default in production, and
how a request for a host we do not serve is logged."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def _settings_under(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("QINGLANG_VAR_DIR", "QINGLANG_MEDIA_ROOT")}
    code = "from django.conf import settings as s; print(s.MEDIA_ROOT); print(s.VAR_DIR)"
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=300, env={**clean, **env})
    assert done.returncode == 0, done.stderr
    media, var = done.stdout.strip().splitlines()[-2:]
    return {"media": Path(media), "var": Path(var)}


def test_production_media_default_is_outside_the_repository(tmp_path):
    prod = _settings_under(QINGLANG_ENV="production", DJANGO_SECRET_KEY="x" * 50,
                           QINGLANG_FIELD_KEY="ZGV2LW9ubHkta2V5LXFpbmdsYW5nLTMyLWJ5dGVzISE=")
    assert prod["media"] == Path("/var/lib/qinglang/media") and not prod["media"].is_relative_to(ROOT)
    chosen = _settings_under(QINGLANG_ENV="production", DJANGO_SECRET_KEY="x" * 50, QINGLANG_VAR_DIR=str(tmp_path),
                             QINGLANG_FIELD_KEY="ZGV2LW9ubHkta2V5LXFpbmdsYW5nLTMyLWJ5dGVzISE=")
    assert chosen["media"] == tmp_path / "media"


def test_disallowed_host_is_one_warning_without_traceback(db, caplog):
    with caplog.at_level(logging.DEBUG, logger="django.security.DisallowedHost"):
        r = Client().get("/login/", HTTP_HOST="scanner.example.net")
    assert r.status_code == 400
    records = [rec for rec in caplog.records if rec.name == "django.security.DisallowedHost"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None and records[0].exc_text is None
