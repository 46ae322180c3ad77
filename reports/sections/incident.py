"""Incident report (专项报告, Art 17 及时报告): the reportable measures it covers, the account and
its information at the time (the measure's evidence snapshot), findings, articles, decisions and
their dates, and the account holders' real-name identities (masked unless confirmed)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from accounts.models import INFO_FIELDS, Account, IdentityVerification
from moderation.models import Measure
from moderation.services.notices import article_text
from reports import selectors
from reports.sections.base import Identity, Section


def _measures(report) -> list[Measure]:
    ids = report.params.get("measure_ids", [])
    return list(Measure.objects.filter(pk__in=ids).select_related("account", "approved_by", "case").order_by("id"))


def measures(report):
    rows = []
    for m in _measures(report):
        snapshot = m.evidence or {}
        info = snapshot.get("info") or {}
        due = selectors.report_due_at(m)
        rows.append([
            m.pk, m.account.uid, info.get("name", m.account.name), m.account.get_kind_display(), m.get_kind_display(),
            "、".join(m.legal_basis), article_text(m.legal_basis), m.reason, m.get_state_display(),
            m.issued_by_label, m.approved_by.username if m.approved_by else "", m.created_at, m.approved_at,
            m.effective_from, m.expires_at, m.case_id or "", due,
        ])
    yield Section("measures", _("处置措施明细"), [
        _("措施编号"), _("账号UID"), _("账号名称（处置时）"), _("用户类型"), _("措施"), _("依据条款"), _("条款说明"),
        _("理由"), _("当前状态"), _("提出人"), _("批准人"), _("提出时间"), _("批准时间"), _("生效时间"),
        _("到期时间"), _("审核工单"), _("报告期限"),
    ], rows, [10, 16, 20, 10, 14, 12, 40, 40, 12, 12, 12, 20, 20, 20, 20, 10, 20])


def snapshots(report):
    labels = {f: str(Account._meta.get_field(f).verbose_name) for f in INFO_FIELDS}

    def rows():
        for m in _measures(report):
            snapshot = m.evidence or {}
            for field, value in (snapshot.get("info") or {}).items():
                if value:
                    yield [m.pk, m.account.uid, labels.get(field, field), value]
            yield [m.pk, m.account.uid, _("信用分"), snapshot.get("credit_score", "")]
            yield [m.pk, m.account.uid, _("快照时间"), _when(snapshot.get("taken_at"))]

    yield Section("snapshots", _("处置时的账号信息"), [_("措施编号"), _("账号UID"), _("项目"), _("内容")], rows(),
                  [10, 16, 18, 80], note=_("措施采取时保存的账号信息快照（第二十三条所列账号信息）。"))


def _when(value):
    try:
        return dt.datetime.fromisoformat(value) if value else ""
    except ValueError:
        return value


def findings(report):
    def rows():
        for m in _measures(report):
            for f in (m.evidence or {}).get("findings") or ():
                if not isinstance(f, dict):
                    continue
                yield [m.pk, m.account.uid, f.get("article", ""), f.get("rule", "") or f.get("category", ""),
                       f.get("field", ""), f.get("term", "") or f.get("matched", ""),
                       "、".join(f.get("evasions") or f.get("techniques") or ())]

    yield Section("findings", _("命中规则"), [_("措施编号"), _("账号UID"), _("条款"), _("规则"), _("字段"),
                                          _("命中内容"), _("规避手法")], rows(), [10, 16, 8, 24, 12, 24, 20])


def identities(report):
    account_ids = [m.account_id for m in _measures(report)]
    rows = [[iv.account.uid, iv.get_method_display(), Identity(iv.pk, iv.masked), iv.verified_at]
            for iv in IdentityVerification.objects.filter(account_id__in=account_ids).select_related("account")
            .order_by("account__uid", "verified_at")]
    yield Section("identities", _("实名认证信息"), [_("账号UID"), _("认证方式"), _("号码"), _("认证时间")], rows,
                  [16, 14, 24, 20])
