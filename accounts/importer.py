"""Onboarding the platform's existing user base (``manage.py import_accounts FILE.jsonl``).

Each line is one account. Lines are validated one by one; bad lines are written to a report
(line number, uid, field, problem — never identity numbers) and skipped; good lines are inserted
in batches. The run's position is committed with each batch, so an interrupted import resumes
where it stopped, and re-running a finished file does nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.choices import AccountKind, InfoSource
from accounts.identity import IdentityError, ValidatedIdentity, validate
from accounts.models import TEXT_INFO_FIELDS, Account, AccountInfoVersion, IdentityVerification, ImportRun
from core import crypto, rules_engine
from core.audit import record

UID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
ALLOWED_KEYS = {"uid", "kind", "is_public_account", "credit_score", "created_at", "ip_location", "identities",
                *TEXT_INFO_FIELDS}
_MAX = {f.name: f.max_length for f in Account._meta.fields if f.name in TEXT_INFO_FIELDS and f.max_length}


@dataclass
class ParsedLine:
    account: Account | None = None
    identities: list[ValidatedIdentity] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    uid: str = ""


def parse_line(raw: str) -> ParsedLine:
    out = ParsedLine()
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        out.errors.append({"field": "", "message": f"不是有效的 JSON：{exc.msg}"})
        return out
    if not isinstance(obj, dict):
        out.errors.append({"field": "", "message": "每行必须是一个 JSON 对象"})
        return out
    err = out.errors.append
    for key in sorted(set(obj) - ALLOWED_KEYS):
        err({"field": key, "message": "未知字段"})
    uid = obj.get("uid")
    if not isinstance(uid, str) or not UID_RE.match(uid):
        err({"field": "uid", "message": "缺少或格式不正确（字母、数字、_.:-，最长 64）"})
    else:
        out.uid = uid
    kind = obj.get("kind", AccountKind.INDIVIDUAL)
    if kind not in AccountKind.values:
        err({"field": "kind", "message": "必须是 individual 或 organization"})
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        err({"field": "name", "message": "名称不能为空"})
    info = {}
    for key in TEXT_INFO_FIELDS:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            err({"field": key, "message": "必须是字符串"})
            continue
        limit = _MAX.get(key) or 2000
        if len(value) > limit:
            err({"field": key, "message": f"超过 {limit} 个字符"})
        info[key] = value.strip()
    public = obj.get("is_public_account", False)
    if not isinstance(public, bool):
        err({"field": "is_public_account", "message": "必须是 true 或 false"})
    credit = obj.get("credit_score", 100)
    if not isinstance(credit, int) or isinstance(credit, bool) or not 0 <= credit <= 1000:
        err({"field": "credit_score", "message": "必须是 0–1000 的整数"})
    created_at = timezone.now()
    if obj.get("created_at") is not None:
        try:
            created_at = dt.datetime.fromisoformat(obj["created_at"])
            if created_at.tzinfo is None:
                raise ValueError
        except (TypeError, ValueError):
            err({"field": "created_at", "message": "必须是带时区的 ISO 8601 时间"})
    identities = obj.get("identities", [])
    if not isinstance(identities, list):
        err({"field": "identities", "message": "必须是列表"})
        identities = []
    for i, ident in enumerate(identities):
        if not isinstance(ident, dict) or set(ident) - {"method", "number"}:
            err({"field": f"identities.{i}", "message": "必须是 {method, number}"})
            continue
        try:
            out.identities.append(validate(ident.get("method", ""), ident.get("number", ""),
                                           field_name=f"identities.{i}.number"))
        except IdentityError as exc:
            err({"field": exc.field if exc.field != "method" else f"identities.{i}.method", "message": exc.message})
    if out.errors:
        return out
    ip_location = obj.get("ip_location") or ""
    out.account = Account(
        uid=uid, kind=kind, is_public_account=public, credit_score=credit, created_at=created_at,
        ip_location=str(ip_location)[:50], **info,
    )
    return out


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _batches(fh, start_offset: int, start_line: int, size: int) -> Iterator[tuple[list[tuple[int, str]], int]]:
    fh.seek(start_offset)
    batch, line_no, offset = [], start_line, start_offset
    for raw in iter(fh.readline, b""):
        offset += len(raw)
        line_no += 1
        text = raw.decode("utf-8", errors="replace").strip()
        if text:
            batch.append((line_no, text))
        if len(batch) >= size:
            yield batch, offset
            batch = []
    yield batch, offset


def run_import(path: Path, *, report_path: Path, batch_size: int = 2000, actor=None, progress=None) -> ImportRun:
    digest = file_digest(path)
    run = ImportRun.objects.filter(file_sha256=digest).first()
    if run is None:
        run = ImportRun.objects.create(path=str(path), file_sha256=digest, report_path=str(report_path))
    if run.finished_at is not None:
        return run
    line_no = run.lines_done
    file_size = path.stat().st_size
    with path.open("rb") as fh, report_path.open("a", encoding="utf-8") as report:
        for batch, end_offset in _batches(fh, run.byte_offset, run.lines_done, batch_size):
            parsed = [(n, parse_line(text)) for n, text in batch]
            uids = [p.uid for _n, p in parsed if p.account is not None]
            existing = set(Account.objects.filter(uid__in=uids).values_list("uid", flat=True))
            seen: set[str] = set()
            good, rejected = [], []
            for n, p in parsed:
                if p.account is not None and (p.uid in existing or p.uid in seen):
                    p.errors.append({"field": "uid", "message": "账号已存在（重复的 uid）"})
                    p.account = None
                if p.account is None:
                    rejected.append({"line": n, "uid": p.uid, "errors": p.errors})
                else:
                    seen.add(p.uid)
                    p.account.name_key = rules_engine.name_key(p.account.name)
                    good.append(p)
            with transaction.atomic():
                accounts = Account.objects.bulk_create([p.account for p in good], batch_size=1000)
                AccountInfoVersion.objects.bulk_create([
                    AccountInfoVersion(account=a, version=1, data=a.info_snapshot(), source=InfoSource.IMPORT,
                                       actor_label="import", reference=f"import:{run.pk}")
                    for a in accounts
                ], batch_size=1000)
                IdentityVerification.objects.bulk_create([
                    IdentityVerification(account=a, method=i.method, number_encrypted=crypto.encrypt(i.number),
                                         number_hash=i.number_hash, masked=i.masked, details=i.details,
                                         org_class=i.org_class)
                    for a, p in zip(accounts, good, strict=True) for i in p.identities
                ], batch_size=1000, ignore_conflicts=True)
                line_no = batch[-1][0] if batch else line_no
                run.lines_done = line_no
                run.byte_offset = end_offset
                run.imported += len(accounts)
                run.rejected += len(rejected)
                if end_offset >= file_size:
                    run.finished_at = timezone.now()
                run.save()
                if accounts or rejected:
                    record("accounts.imported", actor=actor, subject=run,
                           subject_label=f"import {path.name}",
                           new={"lines_through": line_no, "imported": len(accounts), "rejected": len(rejected),
                                "first_uid": accounts[0].uid if accounts else None,
                                "last_uid": accounts[-1].uid if accounts else None})
            for row in rejected:
                report.write(json.dumps(row, ensure_ascii=False) + "\n")
            report.flush()
            if progress:
                progress(run)
    return run
