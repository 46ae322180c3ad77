"""Fixtures for reports and exports: private file root per test, measures and jobs that run."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from moderation import services as moderation


@pytest.fixture(autouse=True)
def report_files(settings, tmp_path):
    settings.QINGLANG_REPORTS_ROOT = str(tmp_path / "private")
    cache.clear()
    return tmp_path / "private"


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what services enqueue (jobs run on commit; a test's transaction never commits)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def warn(supervisor):
    def _warn(account, reason="名称含联系方式", basis=("8.6",), kind="warning", **kw):
        return moderation.measure_apply(actor=supervisor, account=account, kind=kind, legal_basis=list(basis),
                                        reason=reason, **kw)

    return _warn


@pytest.fixture
def ban(supervisor, supervisor2):
    """A ban on re-registration, proposed by one supervisor and approved by the other (reportable)."""

    def _ban(account, reason="冒用国家机关名义，情节严重"):
        m = moderation.measure_apply(actor=supervisor, account=account, kind="ban_reregistration",
                                     legal_basis=["8.2"], reason=reason)
        return moderation.measure_approve(actor=supervisor2, measure=m)

    return _ban


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


@pytest.fixture
def csv_rows():
    return read_csv
