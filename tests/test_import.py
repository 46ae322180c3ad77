"""import_accounts: line-by-line validation, a report of rejected lines, resumable, no PII in reports."""

import json

from django.core.management import call_command

from accounts.importer import run_import
from accounts.models import Account, IdentityVerification, ImportRun

GOOD = [
    {"uid": "i1", "name": "小明", "identities": [{"method": "mobile", "number": "13800138000"}]},
    {"uid": "i2", "name": "远山文化", "kind": "organization", "identities": [{"method": "uscc", "number": "91110108551385082Q"}]},
    {"uid": "i3", "name": "跑者", "bio": "每天五公里", "created_at": "2023-05-01T10:00:00+08:00"},
]
BAD = [
    "not json at all",
    json.dumps({"uid": "b1"}),  # no name
    json.dumps({"uid": "b2", "name": "x", "identities": [{"method": "resident_id", "number": "110101199003071234"}]}),
    json.dumps({"uid": "b 3", "name": "x"}),
    json.dumps({"uid": "b4", "name": "x", "kind": "robot"}),
    json.dumps({"uid": "i1", "name": "dup"}),
    json.dumps({"uid": "b5", "name": "x", "surprise": 1}),
    json.dumps([1, 2]),
]


def _write(tmp_path, lines):
    path = tmp_path / "accounts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_validates_and_reports(tmp_path, db):
    path = _write(tmp_path, [json.dumps(g, ensure_ascii=False) for g in GOOD] + BAD)
    call_command("import_accounts", str(path))
    assert sorted(Account.objects.values_list("uid", flat=True)) == ["i1", "i2", "i3"]
    assert IdentityVerification.objects.count() == 2
    report = (tmp_path / "accounts.jsonl.rejected.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in report.splitlines()]
    assert [r["line"] for r in rows] == [4, 5, 6, 7, 8, 9, 10, 11]
    fields = {r["uid"]: {e["field"] for e in r["errors"]} for r in rows}
    assert fields["b1"] == {"name"} and fields["b2"] == {"identities.0.number"} and fields["b4"] == {"kind"}
    assert fields["i1"] == {"uid"} and fields["b5"] == {"surprise"}
    assert "110101199003071234" not in report
    assert Account.objects.get(uid="i3").created_at.year == 2023


def test_import_resumes_and_is_idempotent(tmp_path, db):
    lines = [json.dumps({"uid": f"r{i}", "name": f"用户{i}"}) for i in range(25)]
    path = _write(tmp_path, lines)
    report = tmp_path / "r.jsonl"

    class Stop(Exception):
        pass

    def interrupt(run):
        if run.lines_done >= 10:
            raise Stop

    try:
        run_import(path, report_path=report, batch_size=10, progress=interrupt)
    except Stop:
        pass
    assert Account.objects.count() == 10
    run = run_import(path, report_path=report, batch_size=10)
    assert Account.objects.count() == 25 and run.imported == 25 and run.finished_at is not None
    again = run_import(path, report_path=report, batch_size=10)
    assert again.pk == run.pk and Account.objects.count() == 25
    assert ImportRun.objects.count() == 1
