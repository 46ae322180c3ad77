"""The public complaint pages (Art 19: 显著位置、便捷的投诉举报入口): no login, nothing about
anyone but the complainant's own complaint, no caching, no referrer to other sites, not indexed."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import forms, selectors, services
from complaints.choices import ComplaintSource, ComplaintStatus
from core import workdays
from core.clientip import client_ip
from core.errors import ServiceError


def _private(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" and the CSRF
        # check refuses the form; other sites still learn nothing.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return login_not_required(never_cache(wrapper))


def _field_for(exc: ServiceError) -> str | None:
    name = exc.field.split(".")[0] if exc.field else ""
    return name if name in ("category", "target", "description", "evidence", "contact") else None


@_private
@require_http_methods(["GET", "POST"])
def public_form(request):
    """File a complaint. Each POST has already been counted against the sender's address limit
    (``complaints.middleware``) before its body was read. After an error everything typed is
    kept and a new captcha picture is shown; chosen files cannot be put back into a file input,
    so the page says to choose them again."""
    form = forms.PublicComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = _submit(request, form.cleaned_data)
            except ServiceError as exc:
                form.add_error(_field_for(exc), exc.message)
                status = exc.status if exc.status in (413, 422, 429) else 400
            else:
                return render(request, "complaints/public/filed.html", {
                    "code": complaint.tracking_code, "status": selectors.public_status(complaint=complaint)})
        else:
            status = 400
    return render(request, "complaints/public/form.html", {
        "form": form, "evidence_dropped": status != 200 and bool(request.FILES)}, status=status)


def _submit(request, data: dict):
    complaint, _created = services.complaint_submit(actor=None, data=services.ComplaintInput(
        category=data["category"], target=data["target"], description=data["description"],
        contact=data.get("contact", ""), evidence=data.get("evidence") or [],
        source=ComplaintSource.WEB, ip=client_ip(request),
    ))
    return complaint


@_private
@require_http_methods(["GET", "POST"])
def public_status(request):
    """Look up by tracking code (POST, so codes stay out of URLs and access logs); while the
    complaint waits for the complainant, the same page takes their reply."""
    lookup = forms.StatusLookupForm(request.POST if request.POST.get("intent") == "lookup" else None)
    reply_form = None
    status_view = None
    not_found = False
    http_status = 200
    if request.method == "POST":  # counted against the address limit before the body was read
        intent = request.POST.get("intent")
        code = request.POST.get("code", "")
        complaint = selectors.complaint_by_code(code=code)
        if complaint is None:
            not_found = True
            http_status = 404
        elif intent == "reply":
            reply_form = forms.ReplyForm(request.POST, request.FILES)
            if complaint.status != ComplaintStatus.WAITING:
                reply_form = None
            elif reply_form.is_valid():
                try:
                    complaint = services.complaint_resume(
                        actor=None, complaint=complaint, reply=reply_form.cleaned_data["reply"],
                        evidence=reply_form.cleaned_data.get("evidence") or [])
                    reply_form = None
                except ServiceError as exc:
                    reply_form.add_error(None, exc.message)
                    http_status = 400
        if complaint is not None:
            status_view = selectors.public_status(complaint=complaint)
            if complaint.status == ComplaintStatus.WAITING and reply_form is None:
                reply_form = forms.ReplyForm(initial={"code": complaint.tracking_code})
    return render(request, "complaints/public/status.html", {
        "lookup": lookup if not status_view else forms.StatusLookupForm(initial={"code": complaint.tracking_code}),
        "status": status_view, "reply_form": reply_form, "not_found": not_found,
    }, status=http_status)


@_private
@require_http_methods(["GET"])
def public_process(request):
    next_year = timezone.localdate().year + 1
    return render(request, "complaints/public/process.html", {
        "rows": selectors.process_overview(),
        "missing_years": [c["year"] for c in workdays.coverage([next_year]) if not c["has_data"]],
    })
