"""``manage.py generate_field_key`` must work exactly when ``QINGLANG_ENV=production`` is set: the
operator runs it before the key exists, and production settings refuse to load without it."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DJANGO_SECRET_KEY", "QINGLANG_FIELD_KEY", "QINGLANG_LOOKUP_KEY", "QINGLANG_AUDIT_KEY",
                          "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},  # noqa: S603
                          capture_output=True, text=True, timeout=300)


def test_generate_field_key_runs_under_production_settings_without_keys(tmp_path):
    done = _manage("generate_field_key", QINGLANG_ENV="production", QINGLANG_VAR_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert len(base64.urlsafe_b64decode(key)) == 32 and "\n" not in key
    # Production still refuses to start without the keys; with them (the new key), it starts.
    refused = _manage("check", QINGLANG_ENV="production", QINGLANG_VAR_DIR=str(tmp_path))
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY must be" in refused.stderr
    assert "QINGLANG_FIELD_KEY must be set" in refused.stderr
    started = _manage("check", QINGLANG_ENV="production", QINGLANG_VAR_DIR=str(tmp_path),
                      DJANGO_SECRET_KEY=base64.urlsafe_b64encode(os.urandom(48)).decode(), QINGLANG_FIELD_KEY=key,
                      QINGLANG_LOOKUP_KEY=key, QINGLANG_AUDIT_KEY=key,
                      DATABASE_URL="postgres://qinglang@db.internal:5432/qinglang", REDIS_URL="redis://redis.internal:6379/0")
    assert started.returncode == 0, started.stderr
