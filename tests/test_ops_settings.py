"""Small things that stop an operator (issue 22): where files go by default in production, and
how a request for a host we do not serve is logged."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.test_production_settings import DOCUMENTED

ROOT = Path(__file__).resolve().parent.parent


def _settings_under(**env) -> dict:
    ours = ("QINGLANG_", "DJANGO_", "DATABASE_URL", "REDIS_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    code = "from django.conf import settings as s; print(s.MEDIA_ROOT); print(s.VAR_DIR)"
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=300, env={**clean, **env})
    assert done.returncode == 0, done.stderr
    media, var = done.stdout.strip().splitlines()[-2:]
    return {"media": Path(media), "var": Path(var)}


def test_production_media_default_is_outside_the_repository(tmp_path):
    # the documented production configuration (tests/test_production_settings.py), which starts
    prod = _settings_under(**DOCUMENTED)
    assert prod["media"] == Path("/var/lib/qinglang/media") and not prod["media"].is_relative_to(ROOT)
    chosen = _settings_under(**DOCUMENTED, QINGLANG_VAR_DIR=str(tmp_path))
    assert chosen["media"] == tmp_path / "media"


def test_disallowed_host_is_one_warning_without_traceback(db, caplog):
    with caplog.at_level(logging.DEBUG, logger="django.security.DisallowedHost"):
        r = Client().get("/login/", HTTP_HOST="scanner.example.net")
    assert r.status_code == 400
    records = [rec for rec in caplog.records if rec.name == "django.security.DisallowedHost"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None and records[0].exc_text is None
