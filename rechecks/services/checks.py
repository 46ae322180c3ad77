"""The per-account checks of a recheck (Art 15), for a batch of accounts at once: the account's
current information through the current rule set (Art 7, 8, 10 ¶2, 11, stored images included),
its real-name identity (Art 9), qualifications that expired or were revoked (Art 11: the label
goes, and a claim that needed it becomes a finding), an approved organisation certification
still consistent with the account (Art 7), Art 13 completeness for public accounts, and
closeness to closed or banned accounts (Art 10 ¶3).

Reads only: a batch costs a fixed number of queries whatever its size. ``check_batch`` returns
one ``Checked`` per account; the caller writes."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.choices import AccountKind, AccountStatus, ReviewStatus
from accounts.identity import IdentityError, validate
from accounts.models import TEXT_INFO_FIELDS, IdentityVerification, OrgCertification, Qualification
from core import crypto, rules_engine
from moderation.models import BlockedIdentity
from rechecks import conf

log = logging.getLogger(__name__)

FLAG_SEVERITIES = frozenset({"review", "strict_review", "reject"})
ACCOUNT_FIELDS = ("id", "uid", "kind", "is_public_account", "status", "info_version", "name_key", "avatar",
                  "cover", *TEXT_INFO_FIELDS)
ART13_FIELDS = ("operator_name", "operator_address", "content_category", "contact")
CLOSED = (AccountStatus.CLOSED, AccountStatus.BANNED)


@dataclass
class Checked:
    account_id: int
    uid: str
    info_version: int
    findings: list[dict] = field(default_factory=list)
    error: bool = False

    @property
    def flagged(self) -> bool:
        return self.error or any(f.get("severity") in FLAG_SEVERITIES for f in self.findings)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(f["article"] for f in self.findings if f.get("severity") in FLAG_SEVERITIES))


def finding(article: str, rule: str, fld: str, severity: str, explanation: str, matched: str = "") -> dict:
    """A finding in the pipeline's shape (moderation.services.pipeline), for checks the engine does not do."""
    return {"article": article, "rule": rule, "field": fld, "span": [0, 0], "matched": matched, "term": "",
            "evasion": [], "severity": severity, "explanation": explanation}


@dataclass
class _Related:
    """What the batch's accounts have in other tables, loaded in a few queries."""

    qualifications: dict = field(default_factory=lambda: defaultdict(list))
    lapsed: dict = field(default_factory=lambda: defaultdict(list))
    certifications: dict = field(default_factory=dict)
    identities: dict = field(default_factory=lambda: defaultdict(list))
    blocked: set = field(default_factory=set)
    closed_hashes: set = field(default_factory=set)
    closed_names: dict = field(default_factory=dict)


def _load_related(rows: list[dict]) -> _Related:
    ids = [r["id"] for r in rows]
    rel = _Related()
    today = timezone.localdate()
    for account_id, domain, status, valid_until in Qualification.objects.filter(
            account_id__in=ids, status__in=[ReviewStatus.APPROVED, ReviewStatus.EXPIRED, ReviewStatus.REVOKED]
    ).values_list("account_id", "domain", "status", "valid_until"):
        current = status == ReviewStatus.APPROVED and (valid_until is None or valid_until >= today)
        (rel.qualifications if current else rel.lapsed)[account_id].append(domain)
    for account_id, full_name, uscc in OrgCertification.objects.filter(
            account_id__in=ids, status=ReviewStatus.APPROVED).order_by("id").values_list(
            "account_id", "full_name", "uscc"):
        rel.certifications[account_id] = (full_name, uscc)
    for account_id, method, number_hash, encrypted in IdentityVerification.objects.filter(
            account_id__in=ids).values_list("account_id", "method", "number_hash", "number_encrypted"):
        rel.identities[account_id].append((method, number_hash, encrypted))
    hashes = {h for idents in rel.identities.values() for _m, h, _e in idents}
    if hashes:
        rel.blocked = set(BlockedIdentity.objects.filter(number_hash__in=hashes, lifted_at__isnull=True)
                          .values_list("number_hash", flat=True))
        rel.closed_hashes = set(IdentityVerification.objects.filter(
            number_hash__in=hashes, account__status__in=CLOSED).values_list("number_hash", flat=True))
    keys = {r["name_key"] for r in rows if r["name_key"]}
    if keys:
        from accounts.models import Account

        for key, uid in Account.objects.filter(name_key__in=keys, status__in=CLOSED).values_list("name_key", "uid"):
            rel.closed_names.setdefault(key, set()).add(uid)
    return rel


def check_batch(rows: list[dict]) -> tuple[list[Checked], str]:
    """Check each account row (``ACCOUNT_FIELDS`` as a dict); returns the results and the rule-set
    version used. An account whose check raises is an error result (fail closed: it is reviewed)."""
    engine = rules_engine.get_engine()
    rel = _load_related(rows)
    out = []
    for row in rows:
        result = Checked(row["id"], row["uid"], row["info_version"])
        try:
            result.findings = _check_one(engine, row, rel)
        except Exception as exc:  # fail closed: an account we could not check is reviewed, never clean
            log.exception("recheck of account id %s failed", row["id"])
            result.error = True
            result.findings = [finding("15", "recheck.unchecked", "account", "review",
                                       f"动态核验未能完成（{type(exc).__name__}），需人工核验")]
        out.append(result)
    return out, engine.version


def _check_one(engine, row: dict, rel: _Related) -> list[dict]:
    account_id = row["id"]
    cert = rel.certifications.get(account_id)
    context = {"account_type": row["kind"], "verified_org_name": cert[0] if cert else "",
               "verified_uscc": (cert[1] if cert else "") or row["org_uscc"],
               "qualifications": sorted(set(rel.qualifications.get(account_id, ())))}
    info = {f: row[f] for f in TEXT_INFO_FIELDS}
    info["avatar"], info["cover"] = _image(row["avatar"]), _image(row["cover"])
    verdict = engine.check(info, context)
    findings = [f.to_dict() for f in verdict.findings]
    findings += _identity_findings(rel.identities.get(account_id, ()), rel)
    findings += _lapsed_findings(rel.lapsed.get(account_id, ()), findings)
    findings += _certification_findings(row, cert)
    findings += _public_findings(row)
    for uid in sorted(rel.closed_names.get(row["name_key"], ())):
        if uid != row["uid"]:
            findings.append(finding("10.3", "related_closed_name", "name", "strict_review",
                                    "名称与已关闭账号的名称高度近似，需从严核验", matched=row["name"]))
            break
    return findings


def _image(name: str) -> bytes | None:
    """A stored avatar or cover, read back for the QR scan. A file that cannot be read is passed
    as empty bytes, which the engine reports as not checked (fail closed)."""
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except OSError:
        return b"\0"


def _identity_findings(identities, rel: _Related) -> list[dict]:
    """Art 9 (a real-name identity that still validates) and Art 10 ¶3 (banned, or shared with a
    closed account)."""
    if not identities:
        return [finding("9", "recheck.no_identity", "identity", "review", "账号没有有效的真实身份信息认证记录")]
    out = []
    for method, number_hash, encrypted in identities:
        if number_hash in rel.blocked:
            out.append(finding("10.3", "banned_identity", "identity", "reject", "该身份信息关联的账号已被禁止重新注册"))
        elif number_hash in rel.closed_hashes:
            out.append(finding("10.3", "related_closed_identity", "identity", "strict_review",
                               "该身份信息曾注册被关闭的账号，需从严核验"))
        if conf.get("validate_identity_numbers"):
            try:
                validate(method, crypto.decrypt(encrypted))
            except IdentityError as exc:
                out.append(finding("9", "recheck.identity_invalid", "identity", "review",
                                   f"身份信息已不能通过校验：{exc.message}"))
    return out


def _lapsed_findings(domains, findings: list[dict]) -> list[dict]:
    """Art 11: an expired or revoked qualification no longer backs a label; the engine (which was
    not given it) already flags a claim that needed it, so this only notes the lapse once."""
    if not domains or any(f["article"] == "11" for f in findings):
        return []
    return [finding("11", "recheck.qualification_lapsed", "profession", "allow",
                    "资质已过期或被撤销，资质标识不再展示：" + "、".join(sorted(set(domains))))]


def _certification_findings(row: dict, cert) -> list[dict]:
    """Art 7: an approved organisation certification must still match the account's organisation."""
    if cert is None or row["kind"] != AccountKind.ORGANIZATION:
        return []
    full_name, uscc = cert
    out = []
    if row["org_name"] and rules_engine.name_key(row["org_name"]) != rules_engine.name_key(full_name):
        out.append(finding("7", "recheck.certification_mismatch", "org_name", "review",
                           "机构名称与已通过的机构认证不一致", matched=row["org_name"]))
    if row["org_uscc"] and uscc and row["org_uscc"] != uscc:
        out.append(finding("7", "recheck.certification_uscc_mismatch", "org_uscc", "review",
                           "统一社会信用代码与已通过的机构认证不一致"))
    return out


def _public_findings(row: dict) -> list[dict]:
    """Art 13: a public account shows its operator, address, content category and contact (and,
    for an organisation, its USCC)."""
    if not row["is_public_account"]:
        return []
    needed = ART13_FIELDS + (("uscc",) if row["kind"] == AccountKind.ORGANIZATION else ())
    missing = [f for f in needed if not (row[f] or "").strip()]
    if not missing:
        return []
    return [finding("13", "recheck.public_incomplete", missing[0], "review",
                    "公众账号缺少第十三条要求展示的信息：" + "、".join(missing))]
