"""Staff pages: the complaint queue, a complaint with its clock and actions, metrics, SLA policies
and SLA alerts. (The holiday calendar is core's: ``core.calendar_views``.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints import forms, selectors, services
from complaints.choices import ComplaintCategory, ComplaintStatus
from complaints.filtersets import ComplaintFilterSet
from complaints.metrics import complaint_metrics
from complaints.models import Complaint, ComplaintEvidence, SlaAlert
from complaints.services.guards import case_is_open
from complaints.tables import ComplaintTable
from core import workdays
from core.errors import ServiceError
from core.reveal import RevealReasonForm
from core.views_generic import ObjectListView


class ComplaintListView(ObjectListView):
    permission_required = "complaints.view_complaint"
    selector = staticmethod(selectors.complaint_list)
    filterset_class = ComplaintFilterSet
    table_class = ComplaintTable
    template_name = "complaints/complaint_list.html"
    title = gettext_lazy("投诉举报")
    export_key = "complaints.complaints"


def _detail_context(request, complaint: Complaint, bound: dict) -> dict:
    """The complaint page; ``bound`` holds the form of a refused action, with its errors."""
    merged = list(complaint.merged_complaints.only("id", "tracking_code", "status", "received_at", "description")
                  .order_by("id")[:50])
    forms_ = {spec.context: spec.form(prefix=spec.prefix, initial=spec.initial) for spec in ACTIONS.values()
              if spec.form is not None}
    return {
        "complaint": complaint,
        "title": complaint.tracking_code,
        "clock": selectors.clock(complaint),
        "evidence": list(complaint.evidence.all()),
        "merged": merged,
        "history": list(selectors.complaint_history(complaint)[:100]),
        "notices": list(complaint.notices.all()[:20]),
        "can_handle": request.user.has_perm("complaints.handle_complaint"),
        "can_mark_bad_faith": request.user.has_perm("complaints.mark_bad_faith"),
        "can_reveal": request.user.has_perm("complaints.reveal_contact"),
        "statuses": {s.name: s.value for s in ComplaintStatus},
        "status_labels": ComplaintStatus.choices,
        "case_open": case_is_open(complaint),
        **forms_, **bound,
    }


@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_detail(request, pk):
    complaint = selectors.complaint_get(pk=pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint, {}))


@dataclass(frozen=True)
class _Action:
    """A button on the complaint page: the service it calls with the cleaned form, the message
    when it is done, and the form (if it takes input) with its prefix and context name."""

    run: Callable[[object, Complaint, dict], object]
    done: str
    form: type[django_forms.Form] | None = None
    prefix: str = ""
    context: str = ""
    initial: dict = field(default_factory=dict)
    # a service error's field → the form field it belongs under
    fields: dict = field(default_factory=dict)
    # beyond handle_complaint, checked before the input is read (the service checks it too)
    permission: str = ""


def _service(fn, **names):
    """``run`` for a service taking the complaint and the named cleaned fields."""
    return lambda user, complaint, data: fn(actor=user, complaint=complaint,
                                            **{arg: data[key] for arg, key in names.items()})


ACTIONS: dict[str, _Action] = {
    "claim": _Action(_service(services.complaint_claim), gettext_lazy("已认领")),
    "release": _Action(_service(services.complaint_release), gettext_lazy("已退回队列")),
    "accept": _Action(_service(services.complaint_accept), gettext_lazy("已受理")),
    "reject": _Action(_service(services.complaint_reject, reason="reason"), gettext_lazy("已决定不予受理"),
                      forms.ReasonForm, "reject", "reject_form"),
    "screen_start": _Action(_service(services.complaint_start_screening), gettext_lazy("已开始甄别")),
    "screen": _Action(_service(services.complaint_screen, result="result", note="note", outcome="outcome",
                               duplicate_of="duplicate_of"),
                      gettext_lazy("已提交甄别结论"), forms.ScreenForm, "screen", "screen_form"),
    "merge": _Action(_service(services.complaint_merge, into="into", note="note"), gettext_lazy("已合并"),
                     forms.MergeForm, "merge", "merge_form", fields={"duplicate_of": "into"}),
    "link_case": _Action(_service(services.complaint_link_case), gettext_lazy("已关联审核工单")),
    "feedback": _Action(_service(services.complaint_send_feedback, outcome="outcome"), gettext_lazy("已反馈投诉人"),
                        forms.FeedbackForm, "feedback", "feedback_form",
                        initial={"outcome": services.OUTCOME_VIOLATION}),
    "close": _Action(_service(services.complaint_close), gettext_lazy("已办结")),
    "request_info": _Action(_service(services.complaint_request_info, question="question"),
                            gettext_lazy("已请投诉人补充，时限暂停"), forms.QuestionForm, "question", "question_form"),
    "resume": _Action(_service(services.complaint_resume), gettext_lazy("已恢复计时")),
    "bad_faith": _Action(_service(services.complaint_mark_bad_faith, reason="reason"),
                         gettext_lazy("已标记为恶意投诉"), forms.ReasonForm, "badfaith", "bad_faith_form",
                         permission="complaints.mark_bad_faith"),
}


def _attach(form: django_forms.Form, exc: ServiceError, fields: dict) -> bool:
    """Put a refusal under the field it names; False when it names none of this form's fields."""
    name = fields.get(exc.field, exc.field)
    if name not in form.fields:
        return False
    form.add_error(name, exc.message)
    return True


@require_POST
@permission_required("complaints.handle_complaint", raise_exception=True)
def complaint_action(request, pk, action):
    """Run one action from the complaint page. Bad input is shown under its field (422); a
    refusal about the complaint's state (claimed, illegal step) is a message on the page."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if spec.permission and not request.user.has_perm(spec.permission):
        raise PermissionDenied
    complaint = get_object_or_404(Complaint, pk=pk)
    form = spec.form(request.POST, prefix=spec.prefix) if spec.form is not None else None
    if form is None or form.is_valid():
        try:
            spec.run(request.user, complaint, form.cleaned_data if form is not None else {})
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            if form is None or not _attach(form, exc, spec.fields):
                messages.error(request, exc.message)
                return redirect("complaints:complaint_detail", pk=pk)
        else:
            messages.success(request, spec.done)
            return redirect("complaints:complaint_detail", pk=pk)
    context = _detail_context(request, selectors.complaint_get(pk=pk), {spec.context: form})
    return render(request, "complaints/complaint_detail.html", context, status=422)


@require_POST
@permission_required("complaints.handle_complaint", raise_exception=True)
def claim_next(request):
    complaint = services.complaint_claim_next(actor=request.user)
    if complaint is None:
        messages.info(request, _("队列中没有待认领的投诉"))
        return redirect("complaints:complaint_list")
    return redirect("complaints:complaint_detail", pk=complaint.pk)


@permission_required("complaints.view_complaintevidence", raise_exception=True)
def evidence_file(request, pk, eid):
    """The only way complaint evidence leaves the server (core.views.media refuses its folder):
    staff allowed to see evidence, never cached."""
    evidence = get_object_or_404(ComplaintEvidence, pk=eid, complaint_id=pk)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("complaints.reveal_contact", raise_exception=True)
def contact_reveal(request, pk):
    complaint = selectors.complaint_get(pk=pk)
    form = RevealReasonForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.complaint_reveal_contact(actor=request.user, complaint=complaint,
                                                        purpose=form.cleaned_data["purpose"],
                                                        reason=form.cleaned_data["reason"])
            messages.warning(request, _("已记录本次查看。请仅用于联系投诉人。"))
        except ServiceError as exc:
            if not _attach(form, exc, {}):
                form.add_error(None, exc.message)
    return render(request, "complaints/contact_reveal.html",
                  {"complaint": complaint, "form": form, "revealed": revealed, "title": _("查看联系方式")})


# ---------------------------------------------------------------------------------------------
# Metrics, policies, alerts


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    """A date from the query string, within 2000-01-01 … a year from now (else the default)."""
    try:
        parsed = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    if not dt.date(2000, 1, 1) <= parsed <= timezone.localdate() + dt.timedelta(days=366):
        return default
    return parsed


@permission_required("complaints.view_metrics", raise_exception=True)
def metrics(request):
    today = timezone.localdate()
    since = _parse_date(request.GET.get("since"), today - dt.timedelta(weeks=12))
    until = _parse_date(request.GET.get("until"), today)
    category = request.GET.get("category") or None
    if category not in ComplaintCategory.values:
        category = None
    data = complaint_metrics(since=since, until=until, category=category)
    return render(request, "complaints/metrics.html", {
        **data, "title": _("投诉处理统计"), "category": category or "", "categories": ComplaintCategory.choices})


@permission_required("complaints.view_slapolicy", raise_exception=True)
def policies(request):
    form = None
    if request.method == "POST":
        if not request.user.has_perm("complaints.change_slapolicy"):
            raise PermissionDenied
        form = forms.PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.sla_policy_update(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                if not _attach(form, exc, {}):
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存；自此后收到的投诉按新时限计算"))
                return redirect("complaints:policies")
    today = timezone.localdate()
    return render(request, "complaints/policies.html", {
        "title": _("处理时限"), "rows": selectors.process_overview(), "form": form,
        "coverage": workdays.coverage(range(today.year, today.year + 2)),
        "can_edit": request.user.has_perm("complaints.change_slapolicy"),
    }, status=200 if form is None else 422)


@permission_required("complaints.view_slaalert", raise_exception=True)
def alerts(request):
    rows = (SlaAlert.objects.select_related("complaint", "acknowledged_by")
            .order_by("acknowledged_at", "-id")[:200])
    return render(request, "complaints/alerts.html", {
        "title": _("时限提醒"), "alerts": rows, "can_ack": request.user.has_perm("complaints.change_slaalert")})


@require_POST
@permission_required("complaints.change_slaalert", raise_exception=True)
def alert_acknowledge(request, pk):
    services.sla_alert_acknowledge(actor=request.user, alert=get_object_or_404(SlaAlert, pk=pk))
    return redirect("complaints:alerts")
