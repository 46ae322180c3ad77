"""动态核验 pages: who sees and who acts, the start form's errors, results, the account panel,
the lexicon impact preview, and the recheck_accounts command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from moderation.models import ReviewCase, RuleTerm
from rechecks.models import RecheckRun
from rechecks.services import runs

pytestmark = pytest.mark.postgres

ROLES = ["nobody", "moderator", "supervisor", "auditor"]


@pytest.fixture
def finished_run(make_account, django_capture_on_commit_callbacks):
    make_account(name="读书人", mobile="13800138001")
    make_account(name="加微信abc12345", mobile="13800138002")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.recheck_start(actor=None, scope="all")
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_pages(request, login, role, finished_run):
    c = login(request.getfixturevalue(role))
    expected = 403 if role == "nobody" else 200
    for url in ("/rechecks/", f"/rechecks/{finished_run.pk}/", f"/rechecks/{finished_run.pk}/progress/"):
        assert c.get(url).status_code == expected, url


@pytest.mark.parametrize("role", ["moderator", "auditor"])
def test_only_supervisors_start_pause_cancel_from_the_pages(request, login, role, make_account):
    make_account(name="读书人")
    c = login(request.getfixturevalue(role))
    assert c.post("/rechecks/", {"scope": "all"}).status_code == 403
    run = runs.recheck_start(actor=None, scope="all")
    for action in ("pause", "cancel"):
        assert c.post(f"/rechecks/{run.pk}/{action}/").status_code == 403
    assert RecheckRun.objects.get(pk=run.pk).status == "running"
    assert "开始核验" not in c.get("/rechecks/").content.decode()


def test_supervisor_starts_pauses_and_cancels(login, supervisor, make_account):
    make_account(name="读书人")
    c = login(supervisor)
    r = c.post("/rechecks/", {"scope": "since"})
    assert r.status_code == 422 and 'id="error-since"' in r.content.decode()
    r = c.post("/rechecks/", {"scope": "kind=organization"})
    run = RecheckRun.objects.get(scope="kind=organization")
    assert r.status_code == 302 and r["Location"] == f"/rechecks/{run.pk}/"
    r = c.post("/rechecks/", {"scope": "kind=organization"})
    assert r.status_code == 422 and "已有进行中的核验" in r.content.decode()
    assert c.post(f"/rechecks/{run.pk}/pause/").status_code == 302
    assert RecheckRun.objects.get(pk=run.pk).status == "paused"
    c.post(f"/rechecks/{run.pk}/cancel/")
    assert RecheckRun.objects.get(pk=run.pk).status == "cancelled"


def test_results_page_and_account_panel(login, moderator, finished_run):
    c = login(moderator)
    html = c.get(f"/rechecks/{finished_run.pk}/").content.decode()
    case = ReviewCase.objects.get(reason="recheck")
    assert 'data-testid="summary-checked">2<' in html and 'data-testid="summary-flagged">1<' in html
    assert "8.6" in html and f"/cases/{case.pk}/" in html
    panel = c.get(f"/accounts/{case.subject_uid}/").content.decode()
    assert "动态核验记录" in panel and f"/rechecks/{finished_run.pk}/" in panel


def test_run_list_query_count_is_flat(login, supervisor, flat_query_count):
    def add(i):
        RecheckRun.objects.create(scope=f"since=2026-01-{i + 1:02d}", status="finished", started_by_label="x")

    flat_query_count(login(supervisor), "/rechecks/", add, budget=12)


def test_impact_preview_counts_newly_flagged_accounts_and_rechecks_exactly_them(
        login, supervisor, make_account, django_capture_on_commit_callbacks):
    hit = [make_account(name=f"蓝莓果园{i}", mobile=f"1380013801{i}") for i in range(3)]
    make_account(name="读书人", mobile="13800138020")
    make_account(name="加微信abc12345 蓝莓果园", mobile="13800138021")  # already flagged today
    c = login(supervisor)
    data = {"term": "蓝莓果园", "category": "custom", "article": "8.4", "severity": "review"}
    r = c.post("/rechecks/impact/", data)
    html = r.content.decode()
    assert r.status_code == 200 and "此变更将新增标记 3 个账号" in html and hit[0].uid in html
    assert not RuleTerm.objects.exists()  # a preview publishes nothing
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/rechecks/impact/", {**data, "publish": "1", "recheck": "1"})
    run = RecheckRun.objects.get(scope__startswith="accounts:")
    assert r.status_code == 302 and RuleTerm.objects.filter(term="蓝莓果园").exists()
    run.refresh_from_db()
    assert (run.total, run.checked, run.flagged) == (3, 3, 3)
    assert set(ReviewCase.objects.filter(reason="recheck").values_list("subject_uid", flat=True)) == {
        a.uid for a in hit}


def test_impact_preview_is_for_supervisors(login, moderator):
    assert login(moderator).get("/rechecks/impact/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_command_starts_waits_and_summarises(make_account, capsys):
    make_account(name="读书人", mobile="13800138001")
    call_command("recheck_accounts", "--scope", "all", "--wait", "--interval", "0")
    out = capsys.readouterr().out
    assert "finished: 1 checked, 1 clean, 0 flagged" in out
    with pytest.raises(CommandError, match="scope"):
        call_command("recheck_accounts", "--scope", "nonsense")
