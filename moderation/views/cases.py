"""The review queue, the case page and everything a moderator does on a case (Art 10, 17)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts.models import TEXT_INFO_FIELDS, Account
from core.diff import info_diff
from core.registry import panels as registry_panels
from core.registry import registry
from core.views_generic import ObjectListView
from moderation import conf, selectors, services
from moderation.choices import (
    OPEN_CASE_STATUSES,
    CaseDecision,
    CaseReason,
    CaseStatus,
    Decision,
    MeasureState,
)
from moderation.filtersets import ReviewCaseFilterSet
from moderation.forms import BulkForm, DecisionForm, NoteForm, ReassignForm, ReleaseForm, attach_error
from moderation.models import ReviewCase
from moderation.services import ModerationError
from moderation.services.cases import approval_refusal
from moderation.services.notices import ARTICLE_TITLES
from moderation.tables import ReviewCaseTable

EVASION_LABELS = {
    "fullwidth": "全角", "full_width": "全角", "traditional": "繁体", "separators": "插入分隔符", "separator": "插入分隔符",
    "homophone": "谐音", "lookalike": "形近字", "look_alike": "形近字", "digit_variant": "数字变体", "digits": "数字变体",
    "pinyin": "拼音", "case": "大小写", "emoji": "表情符号", "zero_width": "零宽字符",
}


SEVERITY_LABELS = dict(Decision.choices)
DECISION_LABELS = dict(CaseDecision.choices)


def field_label(name: str) -> str:
    try:
        return str(Account._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - identity / account / qualification are not account fields
        return {"identity": _("实名身份"), "account": _("账号"), "qualification": _("资质"),
                "avatar": _("头像"), "cover": _("封面")}.get(name, name)


# ---------------------------------------------------------------------------------------------
# Queue

# Sort keys the queue offers (column → order_by); the default is the order claim-next uses.
SORTS = {
    "due": ("due_at", "-priority", "id"), "-due": ("-due_at", "-priority", "-id"),
    "priority": ("priority", "due_at", "id"), "-priority": ("-priority", "due_at", "id"),
    "created": ("created_at", "id"), "-created": ("-created_at", "-id"),
    "id": ("id",), "-id": ("-id",),
}
COUNT_CAP = 10_000  # beyond this the queue says "more than 10 000" instead of counting millions


def case_rows(cases, now) -> list[dict]:
    """The queue's rows, precomputed once in Python: the template then runs one plain loop (a
    per-cell django-tables2 render cost ~3 ms a row, issue 14). Open organisation certifications
    also show their working-day countdown (5 working days, the official-website plan)."""
    from core import workdays
    from moderation.tables import workday_countdown

    rows, cal = [], None
    for c in cases:
        countdown = ""
        if c.reason == CaseReason.ORG_CERTIFICATION and c.status in OPEN_CASE_STATUSES:
            cal = cal or workdays.calendar()
            countdown = workday_countdown(c.due_at, cal=cal)
        rows.append({
            "pk": c.pk, "uid": c.subject_uid,
            "name": c.account.name if c.account_id else _("（未注册）"),
            "reason": c.get_reason_display(), "strict": c.requires_supervisor, "articles": c.articles,
            "priority": c.priority, "status": c.status, "status_label": c.get_status_display(),
            "assignee": c.assignee.username if c.assignee_id else "—",
            "due": timezone.localtime(c.due_at).strftime("%m-%d %H:%M"),
            "overdue": c.status in OPEN_CASE_STATUSES and c.due_at < now, "countdown": countdown,
            "created": timezone.localtime(c.created_at).strftime("%m-%d %H:%M"),
        })
    return rows


class CaseListView(ObjectListView):
    """The queue: filters, sortable columns, account-name search, totals and page count, saved
    views, and a live count of new cases (htmx polling)."""

    permission_required = "moderation.view_reviewcase"
    selector = staticmethod(selectors.case_list)
    filterset_class = ReviewCaseFilterSet
    table_class = ReviewCaseTable
    template_name = "moderation/case_list.html"
    partial_template_name = "moderation/partials/case_table.html"
    title = gettext_lazy("审核工单")
    mine = False
    export_key = "moderation.cases"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.mine:
            qs = qs.filter(assignee=self.request.user)
        if not self.request.GET.get("status"):
            qs = qs.filter(status__in=OPEN_CASE_STATUSES)
        return qs

    def get_context_data(self, **kwargs):
        ctx = TemplateView.get_context_data(self, **kwargs)
        request = self.request
        filterset = self.filterset_class(request.GET or None, queryset=self.get_queryset(), request=request)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        sort = request.GET.get("sort", "")
        if sort in SORTS:
            qs = qs.order_by(*SORTS[sort])
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        per_page = self.per_page
        total = qs.order_by()[:COUNT_CAP + 1].count()
        now = timezone.now()
        cases = list(qs[(page - 1) * per_page: page * per_page])
        params = request.GET.copy()
        params.pop("page", None)
        ctx.update(
            filterset=filterset, title=self.title, export_links=self.export_links(), mine=self.mine,
            rows=case_rows(cases, now), total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP,
            page=page, pages=max(1, -(-min(total, COUNT_CAP) // per_page)), sort=sort,
            query=params.urlencode(), since=now.isoformat(),
            sort_links=self._sort_links(sort), reasons=CaseReason.choices, bulk_form=BulkForm(),
            can_decide=request.user.has_perm("moderation.decide_case"),
            saved_views=selectors.saved_views(user=request.user),
        )
        return ctx

    def _sort_links(self, current: str) -> dict:
        """Per sortable column: the query string that sorts by it (toggling the direction)."""
        links = {}
        for key in ("due", "priority", "created", "id"):
            params = self.request.GET.copy()
            params.pop("page", None)
            params["sort"] = f"-{key}" if current == key else key
            links[key] = {"url": "?" + params.urlencode(),
                          "arrow": "▲" if current == key else ("▼" if current == f"-{key}" else "")}
        return links


@permission_required("moderation.view_reviewcase", raise_exception=True)
def case_new_count(request):
    """The live counter (htmx polls it): how many cases of this view arrived since the page was drawn."""
    view = CaseListView(request=request, kwargs={})
    filterset = ReviewCaseFilterSet(request.GET or None, queryset=view.get_queryset(), request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    try:
        since = dt.datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = timezone.now()
    count = selectors.new_cases_count(qs, since)
    return render(request, "moderation/partials/new_count.html", {"count": count})


@require_POST
@permission_required("moderation.view_reviewcase", raise_exception=True)
def saved_view_save(request):
    try:
        view = services.saved_view_save(actor=request.user, name=request.POST.get("name", ""),
                                        query=request.POST.get("query", ""), shared=bool(request.POST.get("shared")))
    except ModerationError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("moderation:case_list") + "?" + request.POST.get("query", ""))
    messages.success(request, _("已保存视图「%s」") % view.name)
    return redirect(reverse("moderation:case_list") + ("?" + view.query if view.query else ""))


@require_POST
@permission_required("moderation.view_reviewcase", raise_exception=True)
def saved_view_delete(request, pk):
    from moderation.models import SavedView

    view = SavedView.objects.filter(pk=pk).first()
    if view is None:
        raise Http404
    try:
        services.saved_view_delete(actor=request.user, view=view)
    except ModerationError as exc:
        messages.error(request, exc.message)
    return redirect("moderation:case_list")


class MyCaseListView(CaseListView):
    title = gettext_lazy("我的工单")
    mine = True

    def export_params(self):
        params = super().export_params()
        params["assignee"] = "me"
        return params


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_claim_next(request):
    reason = request.POST.get("reason") or None
    if reason not in (None, *CaseReason.values):
        reason = None
    case = services.case_claim_next(actor=request.user, reason=reason)
    if case is None:
        if reason == CaseReason.STRICT_REVIEW and not request.user.has_perm("moderation.decide_strict_case"):
            messages.info(request, _("从严核验工单只能由审核主管领取和决定。"))
        else:
            messages.info(request, _("队列中没有可领取的工单。"))
        return redirect("moderation:case_list")
    messages.success(request, _("已领取工单 #%(id)s，请在 %(min)s 前处理。") % {
        "id": case.pk, "min": timezone.localtime(case.claim_expires_at).strftime("%H:%M")})
    return redirect("moderation:case_detail", pk=case.pk)


# ---------------------------------------------------------------------------------------------
# Case page

def highlight(text: str, findings: list[tuple[int, dict]]) -> str:
    """``text`` escaped, with each finding's [start, end) span wrapped in ``<mark class="finding">``.

    A span that does not match the text (it was computed on other text) falls back to the first
    occurrence of the matched string; overlapping spans are merged into one mark."""
    spans = []
    for idx, f in findings:
        start, end = (list(f.get("span") or [0, 0]) + [0, 0])[:2]
        matched = f.get("matched") or ""
        if not (0 <= start < end <= len(text)) or (matched and text[start:end] != matched):
            pos = text.find(matched) if matched else -1
            if pos < 0:
                continue
            start, end = pos, pos + len(matched)
        spans.append([start, end, [idx]])
    spans.sort()
    merged: list[list] = []
    for s in spans:
        if merged and s[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
            merged[-1][2] += s[2]
        else:
            merged.append(s)
    out, pos = [], 0
    for start, end, ids in merged:
        out.append(escape(text[pos:start]))
        out.append(format_html('<mark class="finding" data-finding="{}" title="{}">{}</mark>',
                               " ".join(str(i) for i in ids), _("发现 #%s") % ", #".join(str(i) for i in ids),
                               text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 - every piece is escaped above


def finding_rows(findings: list[dict]) -> list[dict]:
    """Findings in words: field labels, article titles, severity and evasion kinds in Chinese. A
    finding a complaint brought (rule ``complaint.<category>``) names no field, term or span: it
    reads as 用户投诉 with its explanation, never an empty label and a raw category code."""
    rows = []
    for i, f in enumerate(findings, start=1):
        from_complaint = str(f.get("rule", "")).startswith("complaint.")
        article = f.get("article", "")
        rows.append({
            "n": i, "article": article, "article_title": _(ARTICLE_TITLES[article]) if article in ARTICLE_TITLES else "",
            "rule": "" if from_complaint else f.get("rule", ""),
            "field": _("用户投诉") if from_complaint or not f.get("field") else field_label(f["field"]),
            "matched": f.get("matched", ""), "term": "" if from_complaint else f.get("term", ""),
            "severity": f.get("severity", ""),
            "severity_label": SEVERITY_LABELS.get(f.get("severity", ""), f.get("severity", "")),
            "explanation": f.get("explanation", ""),
            "evasion": [EVASION_LABELS.get(e, e) for e in f.get("evasion") or []],
        })
    return rows


def _info_blocks(case: ReviewCase, submission):
    account = case.account
    current = {f: getattr(account, f) or "" for f in TEXT_INFO_FIELDS} if account else {}
    proposed = dict(current)
    if submission is not None:
        proposed.update({k: (v or "") for k, v in submission.info.items() if k in TEXT_INFO_FIELDS})
    findings = [(i, f) for i, f in enumerate(case.findings, start=1)]
    by_field: dict[str, list] = {}
    for i, f in findings:
        by_field.setdefault(f.get("field", ""), []).append((i, f))
    proposed_rows = []
    for name in TEXT_INFO_FIELDS:
        text = proposed.get(name) or ""
        if text or name in by_field:
            proposed_rows.append({"field": name, "label": field_label(name), "html": highlight(text, by_field.get(name, [])),
                                  "changed": text != (current.get(name) or ""), "hits": len(by_field.get(name, []))})
    diffs = [{"label": field_label(d.field), "diff": d} for d in info_diff(current, proposed, TEXT_INFO_FIELDS)]
    rows = finding_rows(case.findings)
    return {"current": current, "proposed_rows": proposed_rows, "diffs": diffs, "findings": rows,
            "other_findings": [r for r in rows if not any(r["n"] in [i for i, _f in by_field.get(p["field"], [])]
                                                             for p in proposed_rows)]}


def _images(case: ReviewCase, submission) -> list[dict]:
    out = []
    for which, label in (("avatar", _("头像")), ("cover", _("封面"))):
        cur = bool(case.account_id and getattr(case.account, which))
        new = bool(submission is not None and getattr(submission, which))
        if cur or new:
            url = reverse("moderation:case_image", kwargs={"pk": case.pk, "which": which, "side": "current"})
            new_url = reverse("moderation:case_image", kwargs={"pk": case.pk, "which": which, "side": "proposed"})
            out.append({"label": label, "current": url if cur else None, "proposed": new_url if new else None})
    return out


def _case_context(request, case: ReviewCase, **forms) -> dict:
    user = request.user
    submission = selectors.case_submission(case)
    strict_blocked = case.requires_supervisor and not user.has_perm("moderation.decide_strict_case")
    mine = case.assignee_id == user.pk
    claimed_by_other = (case.status == CaseStatus.CLAIMED and not mine and case.claim_expires_at
                        and case.claim_expires_at > timezone.now())
    account = case.account
    panels = registry_panels(registry.case_panels, request, case)
    ctx = {
        "case": case, "account": account, "submission": submission, "title": _("工单 #%s") % case.pk,
        **_info_blocks(case, submission),
        "images": _images(case, submission),
        "versions": list(account.versions.all()[:10]) if account else [],
        "measures": selectors.account_measures(account),
        "credit_events": selectors.credit_events(account),
        "related": selectors.related_accounts(
            account=account, identity_hashes=[submission.identity_hash] if submission and submission.identity_hash else [],
            name=(submission.info.get("name", "") if submission else "")),
        "earlier_cases": selectors.earlier_cases(case),
        "timeline": selectors.case_timeline(case),
        "decision_labels": DECISION_LABELS,
        "notices": selectors.case_notices(case),
        "panels": [p for p in panels if p.get("position") != "top"],
        "top_panels": [p for p in panels if p.get("position") == "top"],
        "can_decide": user.has_perm("moderation.decide_case") and not strict_blocked and case.is_open
                      and not claimed_by_other,
        "strict_blocked": strict_blocked, "mine": mine, "claimed_by_other": claimed_by_other,
        "can_claim": user.has_perm("moderation.decide_case") and case.is_open and not mine and not strict_blocked,
        "can_release": case.status == CaseStatus.CLAIMED and (mine or user.has_perm("moderation.reassign_case")),
        "can_reassign": user.has_perm("moderation.reassign_case") and case.is_open,
        "can_note": user.has_perm("moderation.add_casenote"),
        "templates_json": {str(t.pk): {"article": t.article, "text": t.text} for t in selectors.reason_templates()},
        "now_": timezone.now(),
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"articles": case.articles}),
        "note_form": forms.get("note_form") or NoteForm(),
        "reassign_form": forms.get("reassign_form") or ReassignForm(),
        "release_form": ReleaseForm(),
    }
    return ctx


def _render_case(request, case, status=200, **forms):
    return render(request, "moderation/case_detail.html", _case_context(request, case, **forms), status=status)


@permission_required("moderation.view_reviewcase", raise_exception=True)
def case_detail(request, pk):
    return _render_case(request, selectors.case_get(user=request.user, pk=pk))


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_decide(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            case = services.case_decide(actor=request.user, case=case, **form.service_kwargs())
        except ModerationError as exc:
            attach_error(form, exc, DecisionForm.FIELD_MAP)
        else:
            _decided_message(request, case)
            if request.POST.get("next") == "1":  # "decide and go to the next case", the default
                following = services.case_claim_next(actor=request.user)
                if following is not None:
                    return redirect("moderation:case_detail", pk=following.pk)
                messages.info(request, _("队列中没有可领取的工单。"))
                return redirect("moderation:case_list")
            return redirect("moderation:case_detail", pk=case.pk)
    return _render_case(request, selectors.case_get(user=request.user, pk=pk), status=422, decision_form=form)


def _decided_message(request, case) -> None:
    """The flash after a decision: what was decided, whether a measure awaits a second
    supervisor, and a 撤销 (undo) button valid for ``undo_seconds``."""
    pending = case.measures.filter(state=MeasureState.PENDING_APPROVAL).first()
    if pending is not None:
        text = _("工单 #%(id)s 已决定：「%(kind)s」已提出，须由另一位审核主管批准后生效。") % {
            "id": case.pk, "kind": pending.get_kind_display()}
    else:
        text = _("工单 #%(id)s 已决定：%(d)s") % {"id": case.pk, "d": case.get_decision_display()}
    undo = format_html(
        ' <form method="post" action="{}" class="inline undo" data-undo-seconds="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="link" data-testid="undo">{}</button></form>',
        reverse("moderation:case_undo", kwargs={"pk": case.pk}), conf.get("undo_seconds"), get_token(request),
        _("撤销（%(n)s 秒内）") % {"n": conf.get("undo_seconds")})
    (messages.warning if pending is not None else messages.success)(request, format_html("{}{}", text, undo))


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_undo(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    try:
        services.case_undo_decision(actor=request.user, case=case)
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销工单 #%(id)s 的决定，工单仍由你处理") % {"id": case.pk})
    return redirect("moderation:case_detail", pk=case.pk)


@require_POST
@permission_required("moderation.reassign_case", raise_exception=True)
def case_reopen(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    try:
        services.case_reopen(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新打开工单 #%(id)s") % {"id": case.pk})
    return redirect("moderation:case_detail", pk=case.pk)


def _simple_action(request, pk, fn, ok_message):
    case = selectors.case_get(user=request.user, pk=pk)
    try:
        fn(case)
    except ModerationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok_message)
    return redirect("moderation:case_detail", pk=case.pk)


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_claim(request, pk):
    return _simple_action(request, pk, lambda c: services.case_claim(actor=request.user, case=c), _("已领取"))


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_release(request, pk):
    form = ReleaseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _simple_action(request, pk, lambda c: services.case_release(actor=request.user, case=c, reason=reason),
                          _("已释放回队列"))


@require_POST
@permission_required("moderation.reassign_case", raise_exception=True)
def case_reassign(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            services.case_reassign(actor=request.user, case=case, assignee=form.cleaned_data["assignee"])
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已改派给 %s") % form.cleaned_data["assignee"].username)
            return redirect("moderation:case_detail", pk=case.pk)
    return _render_case(request, case, status=422, reassign_form=form)


@require_POST
@permission_required("moderation.add_casenote", raise_exception=True)
def case_note(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_note(actor=request.user, case=case, text=form.cleaned_data["text"])
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已添加备注"))
            return redirect(reverse("moderation:case_detail", kwargs={"pk": case.pk}) + "#history")
    return _render_case(request, case, status=422, note_form=form)


@permission_required("moderation.view_reviewcase", raise_exception=True)
def case_image(request, pk, which, side):
    """Avatar / cover of the case's account (current) or of its submission (proposed), staff only:
    media are not served publicly."""
    case = selectors.case_get(user=request.user, pk=pk)
    if which not in ("avatar", "cover"):
        raise Http404
    if side == "current":
        f = getattr(case.account, which) if case.account_id else None
    else:
        sub = selectors.case_submission(case)
        f = getattr(sub, which) if sub is not None else None
    if not f:
        raise Http404
    try:
        handle = f.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Bulk actions: preview first, then one service call (and one audit entry) per case

def _bulk_outcome(case: ReviewCase, action: str) -> str:
    """What approving or rejecting does to this particular case."""
    pending = getattr(case, "pending_submissions", 0)
    if action == "approve":
        if pending:
            return _("通过：待核验的注册或变更生效")
        if case.qualification_id or case.org_certification_id:
            return _("通过：认证生效")
        return _("通过：不采取处置措施")
    if pending:
        return _("驳回：不予注册或变更")
    if case.qualification_id or case.org_certification_id:
        return _("驳回：认证不予通过")
    return _("驳回：记录违规条款与理由")


def bulk_plan(user, cases, action: str) -> list[dict]:
    """What will happen to each selected case, and which are skipped and why."""
    now = timezone.now()
    can_strict = user.has_perm("moderation.decide_strict_case")
    can_reassign = user.has_perm("moderation.reassign_case")
    plan = []
    for case in cases:
        skip = ""
        if action in ("approve", "reject"):
            if not case.is_open:
                skip = _("已决定或已关闭")
            elif case.requires_supervisor and not can_strict:
                skip = _("从严核验工单只能由审核主管决定")
            elif (case.status == CaseStatus.CLAIMED and case.assignee_id not in (None, user.pk)
                  and case.claim_expires_at and case.claim_expires_at > now):
                skip = _("由 %s 处理中") % case.assignee.username
            else:
                skip = approval_refusal(user, case, action)
            will = _bulk_outcome(case, action)
        else:
            if case.status != CaseStatus.CLAIMED:
                skip = _("未被领取，无需释放")
            elif case.assignee_id != user.pk and not can_reassign:
                skip = _("只能释放自己领取的工单")
            will = _("释放回队列（当前处理人：%s）") % (case.assignee.username if case.assignee_id else "—")
        plan.append({"case": case, "skip": skip, "will": "" if skip else will})
    return plan


@require_POST
@permission_required("moderation.decide_case", raise_exception=True)
def case_bulk(request):
    form = BulkForm(request.POST)
    valid = form.is_valid()
    d = form.cleaned_data
    if not valid and not (d.get("case") and d.get("action")):
        for field, errs in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}：{' '.join(errs)}")
        return redirect("moderation:case_list")
    cases = selectors.cases_for_bulk(user=request.user, ids=d["case"])
    plan = bulk_plan(request.user, cases, d["action"])
    if not valid or request.POST.get("confirm") != "1":
        # Invalid (say, a rejection without article): the selection is kept and the missing
        # fields are asked for on the preview page itself.
        return render(request, "moderation/bulk_preview.html", {
            "title": _("批量操作预览"), "form": form, "plan": plan, "action_label": dict(BulkForm.ACTIONS)[d["action"]],
            "will_count": sum(1 for p in plan if not p["skip"]), "articles": d.get("articles") or [],
        }, status=200 if valid else 422)
    done, failed = 0, []
    for item in plan:
        if item["skip"]:
            continue
        case = item["case"]
        try:
            if d["action"] == "release":
                services.case_release(actor=request.user, case=case, reason=_("批量释放"))
            else:
                services.case_decide(actor=request.user, case=case, decision=d["action"],
                                     articles=d.get("articles") or [], reason=d.get("reason") or "")
            done += 1
        except ModerationError as exc:
            failed.append(f"#{case.pk}: {exc.message}")
    # The confirmation carries only the cases the preview would handle; the ones it skipped count too.
    try:
        selected = max(len(plan), int(request.POST.get("selected", "")))
    except ValueError:
        selected = len(plan)
    skipped = selected - len(plan) + sum(1 for p in plan if p["skip"])
    text = _("批量操作完成：选中 %(total)d 件，成功 %(done)d 件，跳过 %(skipped)d 件，失败 %(failed)d 件。") % {
        "total": selected, "done": done, "skipped": skipped, "failed": len(failed)}
    (messages.success if not failed else messages.warning)(request, text)
    for line in failed:
        messages.error(request, line)
    return redirect("moderation:case_list")

