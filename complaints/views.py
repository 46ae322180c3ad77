"""Staff pages: the complaint queue, a complaint with its clock and actions, metrics, SLA policies
and SLA alerts. (The holiday calendar is core's: ``core.calendar_views``.)"""

from __future__ import annotations

import datetime as dt

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
from complaints.tables import ComplaintTable
from core import workdays
from core.errors import ServiceError
from core.views_generic import ObjectListView


class ComplaintListView(ObjectListView):
    permission_required = "complaints.view_complaint"
    selector = staticmethod(selectors.complaint_list)
    filterset_class = ComplaintFilterSet
    table_class = ComplaintTable
    template_name = "complaints/complaint_list.html"
    title = gettext_lazy("投诉举报")
    export_key = "complaints.complaints"


@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_detail(request, pk):
    complaint = selectors.complaint_get(pk=pk)
    can_handle = request.user.has_perm("complaints.handle_complaint")
    merged = list(complaint.merged_complaints.only("id", "tracking_code", "status", "received_at", "description")
                  .order_by("id")[:50])
    context = {
        "complaint": complaint,
        "title": complaint.tracking_code,
        "clock": selectors.clock(complaint),
        "evidence": list(complaint.evidence.all()),
        "merged": merged,
        "history": list(selectors.complaint_history(complaint)[:100]),
        "notices": list(complaint.notices.all()[:20]),
        "can_handle": can_handle,
        "can_mark_bad_faith": request.user.has_perm("complaints.mark_bad_faith"),
        "can_reveal": request.user.has_perm("complaints.reveal_contact"),
        "statuses": {s.name: s.value for s in ComplaintStatus},
        "reject_form": forms.ReasonForm(prefix="reject"),
        "screen_form": forms.ScreenForm(prefix="screen"),
        "feedback_form": forms.FeedbackForm(prefix="feedback", initial={"outcome": services.OUTCOME_VIOLATION}),
        "question_form": forms.QuestionForm(prefix="question"),
        "merge_form": forms.MergeForm(prefix="merge"),
        "bad_faith_form": forms.ReasonForm(prefix="badfaith"),
    }
    return render(request, "complaints/complaint_detail.html", context)


def _by_code(code: str, field: str) -> Complaint:
    other = selectors.complaint_by_code(code=code)
    if other is None:
        raise ServiceError(_("查询码不存在"), field=field)
    return other


def _run_action(request, complaint: Complaint, action: str):
    user = request.user
    post = request.POST
    if action == "claim":
        return services.complaint_claim(actor=user, complaint=complaint), _("已认领")
    if action == "release":
        return services.complaint_release(actor=user, complaint=complaint), _("已退回队列")
    if action == "accept":
        return services.complaint_accept(actor=user, complaint=complaint), _("已受理")
    if action == "reject":
        return services.complaint_reject(actor=user, complaint=complaint,
                                         reason=post.get("reject-reason", "")), _("已决定不予受理")
    if action == "screen_start":
        return services.complaint_start_screening(actor=user, complaint=complaint), _("已开始甄别")
    if action == "screen":
        result = post.get("screen-result", "")
        dup_code = post.get("screen-duplicate_of", "").strip()
        duplicate_of = _by_code(dup_code, "duplicate_of") if result == "duplicate" and dup_code else None
        c = services.complaint_screen(actor=user, complaint=complaint, result=result, note=post.get("screen-note", ""),
                                      outcome=post.get("screen-outcome", ""), duplicate_of=duplicate_of)
        return c, _("已提交甄别结论")
    if action == "merge":
        into = _by_code(post.get("merge-into", ""), "into")
        return services.complaint_merge(actor=user, complaint=complaint, into=into,
                                        note=post.get("merge-note", "")), _("已合并")
    if action == "link_case":
        services.complaint_link_case(actor=user, complaint=complaint)
        return complaint, _("已关联审核工单")
    if action == "feedback":
        return services.complaint_send_feedback(actor=user, complaint=complaint,
                                                outcome=post.get("feedback-outcome", "")), _("已反馈投诉人")
    if action == "close":
        return services.complaint_close(actor=user, complaint=complaint), _("已办结")
    if action == "request_info":
        return services.complaint_request_info(actor=user, complaint=complaint,
                                               question=post.get("question-question", "")), _("已请投诉人补充，时限暂停")
    if action == "resume":
        return services.complaint_resume(actor=user, complaint=complaint), _("已恢复计时")
    if action == "bad_faith":
        if not user.has_perm("complaints.mark_bad_faith"):
            raise PermissionDenied
        return services.complaint_mark_bad_faith(actor=user, complaint=complaint,
                                                 reason=post.get("badfaith-reason", "")), _("已标记为恶意投诉")
    raise Http404


@require_POST
@permission_required("complaints.handle_complaint", raise_exception=True)
def complaint_action(request, pk, action):
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        _complaint, message = _run_action(request, complaint, action)
        messages.success(request, message)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("complaints:complaint_detail", pk=pk)


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
    form = forms.ReasonForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.complaint_reveal_contact(actor=request.user, complaint=complaint,
                                                        reason=form.cleaned_data["reason"])
            messages.warning(request, _("已记录本次查看。请仅用于联系投诉人。"))
        except ServiceError as exc:
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
    if request.method == "POST":
        if not request.user.has_perm("complaints.change_slapolicy"):
            raise PermissionDenied
        category = request.POST.get("category", "")
        form = forms.PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.sla_policy_update(actor=request.user, category=category, **form.cleaned_data)
                messages.success(request, _("已保存；自此后收到的投诉按新时限计算"))
            except ServiceError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("时限填写有误：受理 0–5、反馈 1–15 个工作日"))
        return redirect("complaints:policies")
    today = timezone.localdate()
    return render(request, "complaints/policies.html", {
        "title": _("处理时限"), "rows": selectors.process_overview(),
        "coverage": workdays.coverage(range(today.year, today.year + 2)),
        "can_edit": request.user.has_perm("complaints.change_slapolicy"),
    })


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
