"""The submissions list (Art 10): every registration and change the platform sent, including
those refused outright that open no case — filterable and exportable."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.views_generic import ObjectListView
from moderation import selectors, services
from moderation.choices import SubmissionStatus
from moderation.filtersets import SubmissionFilterSet
from moderation.forms import attach_error
from moderation.services import ModerationError
from moderation.tables import SubmissionTable
from moderation.views.cases import field_label, finding_rows


class SubmissionListView(ObjectListView):
    permission_required = "moderation.view_submission"
    selector = staticmethod(selectors.submission_list)
    filterset_class = SubmissionFilterSet
    table_class = SubmissionTable
    title = gettext_lazy("注册与变更提交")
    export_key = "moderation.submissions"


class OverturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("推翻理由"), min_length=4, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"min_length": gettext_lazy("请至少填写 4 个字"),
                                             "required": gettext_lazy("请填写推翻的理由")})


def _render(request, submission, form=None, status=200):
    can_overturn = (request.user.has_perm("moderation.overturn_submission")
                    and submission.status == SubmissionStatus.REJECTED)
    return render(request, "moderation/submission_detail.html", {
        "title": _("提交 #%s") % submission.pk, "submission": submission,
        "findings": finding_rows(submission.findings),
        "info_rows": [(field_label(k), v) for k, v in submission.info.items()],
        "can_overturn": can_overturn, "form": form or OverturnForm(),
    }, status=status)


@permission_required("moderation.view_submission", raise_exception=True)
def submission_detail(request, pk):
    """One submission as the rules saw it: the proposed information, the verdict and its findings;
    a refused one can be overturned here by a supervisor."""
    return _render(request, selectors.submission_get(user=request.user, pk=pk))


@require_POST
@permission_required("moderation.overturn_submission", raise_exception=True)
def submission_overturn(request, pk):
    submission = selectors.submission_get(user=request.user, pk=pk)
    form = OverturnForm(request.POST)
    if form.is_valid():
        try:
            services.submission_overturn(actor=request.user, submission=submission, reason=form.cleaned_data["reason"])
        except ModerationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已推翻自动驳回：信息已生效，已通知账号持有人"))
            return redirect("moderation:submission_detail", pk=pk)
    return _render(request, selectors.submission_get(user=request.user, pk=pk), form, status=422)
