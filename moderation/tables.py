"""Tables of the moderation pages (django-tables2)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core import workdays
from core.exports import findings_articles
from moderation.choices import CaseReason
from moderation.models import Measure, ReviewCase, RuleTerm, Submission


class ReviewCaseTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "case", "form": "bulk-form"},
                                                         "th__input": {"data-select-all": "case"}})
    id = tables.Column(linkify=("moderation:case_detail", {"pk": tables.A("pk")}), verbose_name=_("工单"))
    subject = tables.Column(accessor="subject_uid", verbose_name=_("账号"))
    reason = tables.Column(verbose_name=_("原因"))
    articles = tables.Column(verbose_name=_("条款"))
    priority = tables.Column(verbose_name=_("优先级"))
    status = tables.Column(verbose_name=_("状态"))
    assignee = tables.Column(accessor="assignee__username", verbose_name=_("处理人"), default="—")
    due_at = tables.Column(verbose_name=_("截止时间"))
    created_at = tables.DateTimeColumn(format="m-d H:i", verbose_name=_("创建"))

    class Meta:
        model = ReviewCase
        fields = ("select", "id", "subject", "reason", "articles", "priority", "status", "assignee", "due_at",
                  "created_at")
        orderable = False
        empty_text = _("队列中没有符合条件的工单")
        attrs = {"class": "table queue"}
        row_attrs = {"data-case": lambda record: record.pk}

    def render_id(self, value):
        return f"#{value}"

    def render_subject(self, value, record):
        name = record.account.name if record.account_id else _("（未注册）")
        return format_html('<span class="mono">{}</span> <span class="muted">{}</span>', value, name)

    def render_reason(self, value, record):
        strict = format_html(' <span class="badge strict">{}</span>', _("需主管")) if record.requires_supervisor else ""
        return format_html("{}{}", record.get_reason_display(), strict)

    def render_articles(self, value):
        return format_html_join(" ", '<span class="badge art">{}</span>', ((a,) for a in value)) or "—"

    def render_status(self, value, record):
        return format_html('<span class="badge case-{}">{}</span>', record.status, record.get_status_display())

    def render_due_at(self, value, record):
        local = timezone.localtime(value)
        overdue = record.is_open and value < timezone.now()
        html = format_html('<span class="{}">{}</span>', "overdue" if overdue else "", local.strftime("%m-%d %H:%M"))
        if record.is_open and record.reason == CaseReason.ORG_CERTIFICATION:
            html = format_html("{} {}", html, workday_countdown(value, cal=self._workcal()))
        return html

    def _workcal(self):
        """One working-day calendar per rendered page (it loads each year's holidays once)."""
        if not hasattr(self, "_cal"):
            self._cal = workdays.calendar()
        return self._cal


def workday_countdown(due_at, *, cal=None) -> str:
    """"剩 3 个工作日" / "今天到期" / "逾期 2 个工作日" for working-day deadlines (the official-website
    plan's 5 working days for organisation certifications)."""
    left = workdays.working_days_between(timezone.localdate(), timezone.localtime(due_at).date(), cal=cal)
    if due_at < timezone.now():
        text = _("逾期 %(n)s 个工作日") % {"n": max(-left, 0)} if left < 0 else _("已逾期")
        return format_html('<small class="overdue" data-testid="workday-countdown">{}</small>', text)
    text = _("剩 %(n)s 个工作日") % {"n": left} if left > 0 else _("今天到期")
    return format_html('<small class="muted" data-testid="workday-countdown">{}</small>', text)


class MeasureTable(tables.Table):
    id = tables.Column(verbose_name="#")
    account = tables.Column(accessor="account__uid", verbose_name=_("账号"),
                            linkify=("accounts:account_detail", {"uid": tables.A("account__uid")}))
    action = tables.Column(verbose_name=_("记录"))
    kind = tables.Column(verbose_name=_("措施"))
    state = tables.Column(verbose_name=_("状态"))
    legal_basis = tables.Column(verbose_name=_("依据条款"))
    reason = tables.Column(verbose_name=_("理由"))
    issued_by_label = tables.Column(verbose_name=_("提出人"))
    reportable = tables.BooleanColumn(verbose_name=_("需报告"), yesno="✓,")
    effective_from = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("生效"), default="—")
    expires_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("到期"), default="—")

    class Meta:
        model = Measure
        fields = ("id", "account", "action", "kind", "state", "legal_basis", "reason", "issued_by_label",
                  "reportable", "effective_from", "expires_at")
        orderable = False
        empty_text = _("没有符合条件的措施")

    def render_state(self, value, record):
        return format_html('<span class="badge mstate-{}">{}</span>', record.state, record.get_state_display())

    def render_legal_basis(self, value):
        return "、".join(value) or "—"

    def render_reason(self, value):
        return value if len(value) <= 40 else value[:40] + "…"


class RuleTermTable(tables.Table):
    term = tables.Column(verbose_name=_("词条"), linkify=("moderation:rule_edit", {"pk": tables.A("pk")}))
    allow = tables.BooleanColumn(verbose_name=_("白名单"), yesno="✓,")
    category = tables.Column(verbose_name=_("类别"))
    article = tables.Column(verbose_name=_("条款"))
    severity = tables.Column(verbose_name=_("级别"))
    homophone = tables.BooleanColumn(verbose_name=_("谐音敏感"), yesno="✓,")
    note = tables.Column(verbose_name=_("备注"), default="")
    is_active = tables.BooleanColumn(verbose_name=_("启用"), yesno="✓,✗")
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("更新"))

    class Meta:
        model = RuleTerm
        fields = ("term", "allow", "category", "article", "severity", "homophone", "note", "is_active", "updated_at")
        orderable = False
        empty_text = _("还没有在界面中添加的词条")
        row_attrs = {"class": lambda record: "" if record.is_active else "inactive"}


class SubmissionTable(tables.Table):
    id = tables.Column(verbose_name="#", linkify=lambda record: reverse("moderation:submission_detail",
                                                                         kwargs={"pk": record.pk}))
    kind = tables.Column(verbose_name=_("类型"))
    uid = tables.Column(verbose_name=_("平台用户ID"))
    name = tables.Column(accessor="info__name", verbose_name=_("提交的名称"), default="—")
    decision = tables.Column(verbose_name=_("核验结论"))
    status = tables.Column(verbose_name=_("状态"))
    findings = tables.Column(verbose_name=_("命中条款"))
    case = tables.Column(accessor="case_id", verbose_name=_("审核工单"), default="—",
                         linkify=lambda record: reverse("moderation:case_detail", kwargs={"pk": record.case_id})
                         if record.case_id else None)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("提交时间"))

    class Meta:
        model = Submission
        fields = ("id", "kind", "uid", "name", "decision", "status", "findings", "case", "created_at")
        orderable = False
        empty_text = _("没有符合条件的提交")

    def render_findings(self, value):
        return findings_articles(value) or "—"

    def render_case(self, value):
        return f"#{value}"
