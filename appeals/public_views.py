"""The public appeal page, reached from the signed, expiring link in a notice (no login: the link
proves whom it is for). The holder writes the statement, adds up to 3 images and gets a tracking
code and the deadlines."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals import conf
from appeals.choices import OPEN_APPEAL_STATUSES, AppealSource
from appeals.forms import PublicAppealForm
from appeals.models import Appeal
from appeals.services.filing import AppealInput, appeal_file, appeal_token_read, filing_due
from core.errors import ServiceError


def _public(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"  # the signed token never leaves in a Referer
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return login_not_required(never_cache(wrapper))


def _subject(notice) -> dict:
    if notice.measure_id:
        return {"measure_id": notice.measure_id}
    return {"submission_id": notice.submission_id}


@_public
@require_http_methods(["GET", "POST"])
def public_file(request, token: str):
    try:
        notice = appeal_token_read(token)
    except ServiceError as exc:
        return render(request, "appeals/public/refused.html", {"message": exc.message}, status=exc.status)
    subject = _subject(notice)
    existing = Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES, **subject).first()
    form = PublicAppealForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        files = [f.read(conf.get("evidence_max_bytes") + 1) for f in form.cleaned_data["evidence"]]
        try:
            appeal = appeal_file(actor=None, data=AppealInput(
                uid=notice.account_uid, statement=form.cleaned_data["statement"], evidence=files,
                source=AppealSource.PUBLIC, notice_id=notice.pk, **subject))
        except ServiceError as exc:
            form.add_error(exc.field.split(".")[0] if exc.field.split(".")[0] in form.fields else None, exc.message)
            status = exc.status
        else:
            return render(request, "appeals/public/filed.html", {"appeal": appeal}, status=201)
    elif request.method == "POST":
        status = 422
    return render(request, "appeals/public/form.html", {
        "notice": notice, "form": form, "existing": existing,
        "filing_due": filing_due(notice.created_at).due_at}, status=status)
