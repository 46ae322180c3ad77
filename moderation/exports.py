"""Review cases, measures and submissions as exports (core.exports): registered in
``ModerationConfig.ready()``. Decision reasons are staff-written free text: personal numbers in
them are masked; a submission's identity columns are ``sensitive`` (masked numbers, and only
for roles the top layer allows)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.choices import IdentityMethod
from core import exports as E
from core.registry import register_export
from moderation.choices import (
    CaseDecision,
    CaseReason,
    CaseStatus,
    Decision,
    MeasureKind,
    MeasureState,
    RestrictFunction,
    SubmissionKind,
    SubmissionStatus,
)

CASES, MEASURES, SUBMISSIONS = "moderation.cases", "moderation.measures", "moderation.submissions"
_FUNCTIONS = dict(RestrictFunction.choices)


def _functions(value) -> str:
    return "、".join(str(_FUNCTIONS.get(v, v)) for v in value or ())


def _cases():
    from moderation.filtersets import ReviewCaseFilterSet
    from moderation.selectors import case_list

    return E.ExportSpec(
        key=CASES, title=_("审核工单"), permission="moderation.view_reviewcase", selector=case_list,
        filterset_class=ReviewCaseFilterSet, filterset_kwargs=lambda user: {"user": user},
        list_url_name="moderation:case_list",
        columns=(
            E.Column(_("工单"), "id", kind=E.INT, width=8),
            E.Column(_("账号UID"), "subject_uid", width=20),
            E.Column(_("账号名称"), "account__name", width=22),
            E.Column(_("原因"), "reason", choices=CaseReason.choices, width=12),
            E.Column(_("状态"), "status", choices=CaseStatus.choices, width=10),
            E.Column(_("优先级"), "priority", kind=E.INT, width=8),
            E.Column(_("需主管决定"), "requires_supervisor", kind=E.BOOL, width=10),
            E.Column(_("条款"), "articles", kind=E.LIST, width=12),
            E.Column(_("处理人"), "assignee__username", width=12),
            E.Column(_("截止时间"), "due_at", kind=E.DATETIME, width=20),
            E.Column(_("创建时间"), "created_at", kind=E.DATETIME, width=20),
            E.Column(_("决定"), "decision", choices=CaseDecision.choices, width=14),
            E.Column(_("决定条款"), "decision_articles", kind=E.LIST, width=12),
            E.Column(_("决定理由"), "decision_reason", personal=True, width=36),
            E.Column(_("决定人"), "decided_by__username", width=12),
            E.Column(_("决定时间"), "decided_at", kind=E.DATETIME, width=20),
        ),
        sorts={"id": ("id",), "due_at": ("due_at",), "priority": ("priority",), "created_at": ("created_at",)},
        date_field="created_at", for_account=lambda qs, account: qs.filter(subject_uid=account.uid),
    )


def _measures():
    from moderation.filtersets import MeasureFilterSet
    from moderation.models import Measure
    from moderation.selectors import measure_list

    return E.ExportSpec(
        key=MEASURES, title=_("处置措施"), permission="moderation.view_measure", selector=measure_list,
        filterset_class=MeasureFilterSet, list_url_name="moderation:measure_list",
        columns=(
            E.Column(_("编号"), "id", kind=E.INT, width=8),
            E.Column(_("账号UID"), "account__uid", width=20),
            E.Column(_("账号名称"), "account__name", width=22),
            E.Column(_("记录类型"), "action", choices=Measure.Action.choices, width=8),
            E.Column(_("措施"), "kind", choices=MeasureKind.choices, width=12),
            E.Column(_("状态"), "state", choices=MeasureState.choices, width=12),
            E.Column(_("依据条款"), "legal_basis", kind=E.LIST, width=12),
            E.Column(_("理由"), "reason", personal=True, width=36),
            E.Column(_("限制的功能"), "functions", format=_functions, width=14),
            E.Column(_("提出人"), "issued_by_label", width=12),
            E.Column(_("批准人"), "approved_by__username", width=12),
            E.Column(_("需报告"), "reportable", kind=E.BOOL, width=8),
            E.Column(_("生效时间"), "effective_from", kind=E.DATETIME, width=20),
            E.Column(_("到期时间"), "expires_at", kind=E.DATETIME, width=20),
            E.Column(_("结束时间"), "ended_at", kind=E.DATETIME, width=20),
            E.Column(_("创建时间"), "created_at", kind=E.DATETIME, width=20),
            E.Column(_("审核工单"), "case_id", kind=E.INT, width=10),
            E.Column(_("解除的措施"), "lifts_id", kind=E.INT, width=10),
        ),
        sorts={"id": ("id",), "created_at": ("created_at",), "effective_from": ("effective_from",),
               "expires_at": ("expires_at",)},
        date_field="created_at", for_account=lambda qs, account: qs.filter(account=account),
    )


def _submissions():
    from moderation.filtersets import SubmissionFilterSet
    from moderation.selectors import submission_list

    return E.ExportSpec(
        key=SUBMISSIONS, title=_("注册与变更提交"), permission="moderation.view_submission", selector=submission_list,
        filterset_class=SubmissionFilterSet, list_url_name="moderation:submission_list",
        columns=(
            E.Column(_("编号"), "id", kind=E.INT, width=8),
            E.Column(_("类型"), "kind", choices=SubmissionKind.choices, width=10),
            E.Column(_("平台用户ID"), "uid", width=20),
            E.Column(_("提交的名称"), "info__name", width=22),
            E.Column(_("核验结论"), "decision", choices=Decision.choices, width=14),
            E.Column(_("状态"), "status", choices=SubmissionStatus.choices, width=12),
            E.Column(_("命中条款"), "findings", format=E.findings_articles, width=14),
            E.Column(_("规则集版本"), "ruleset", width=16),
            E.Column(_("审核工单"), "case_id", kind=E.INT, width=10),
            E.Column(_("提交时间"), "created_at", kind=E.DATETIME, width=20),
            E.Column(_("决定时间"), "decided_at", kind=E.DATETIME, width=20),
            E.Column(_("实名认证方式"), "identity_method", choices=IdentityMethod.choices, sensitive=True, width=14),
            E.Column(_("证件号码（脱敏）"), "identity_masked", sensitive=True, width=22),
        ),
        sorts={"id": ("id",), "created_at": ("created_at",)},
        date_field="created_at", for_account=lambda qs, account: qs.filter(uid=account.uid),
    )


def register() -> None:
    for key, build in ((CASES, _cases), (MEASURES, _measures), (SUBMISSIONS, _submissions)):
        register_export(key, build())
