"""Schemathesis against /api/openapi.json with every check (issue 11): examples, coverage,
fuzzing and stateful phases, valid and invalid data, all answered without a failure.

The run is bounded (a fixed, small number of examples per operation and a seed) so it takes well
under two minutes. The server is pytest-django's live server on the test database; the fuzzer is
schemathesis' command line in a subprocess, as an operator would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.apiauth import api_client_create

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("QINGLANG_FUZZ_EXAMPLES", "10"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_failure(live_server, make_account, tmp_path):
    make_account(uid="p1", name="小明", mobile="13800138000")
    make_account(uid="o1", name="星河科技", kind="organization")
    _client, token = api_client_create(actor=None, name="fuzzer", scopes=["*"])
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "--config-file", str(CONFIG), "run", f"{live_server.url}/api/openapi.json",
        "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--seed", "11", "--workers", "1",
        "--header", f"Authorization: Bearer {token}", "--request-timeout", "20", "--no-color",
        "--generation-database", "none", "--max-failures", "20",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
    run = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env)  # noqa: S603
    output = run.stdout[-20000:] + run.stderr[-5000:]
    if os.environ.get("QINGLANG_FUZZ_LOG"):  # the whole report, for whoever fixes what it found
        Path(os.environ["QINGLANG_FUZZ_LOG"]).write_text(run.stdout + run.stderr, encoding="utf-8")
    assert run.returncode == 0, output
