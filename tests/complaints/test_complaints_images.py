"""Complaint evidence fails closed (issue 11 §1): hostile images are refused with a 422 naming the
field, through the platform API and the public form, and nothing is written; stored evidence is
reachable only through the permission-checked evidence view, never through /media/."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Complaint, ComplaintEvidence
from tests import hostile_images as H
from tests.hostile_images import HOSTILE

GOOD = {"category": "8.4", "target": "t1", "description": "账号名称冒充新闻媒体。", "external_ref": "rep-img"}


@pytest.fixture
def anon(db):
    return Client(REMOTE_ADDR="203.0.113.10")


def nothing_written(settings):
    assert not Complaint.objects.exists() and not ComplaintEvidence.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(("make", "code", "words"), HOSTILE)
def test_api_evidence_refused(api, target, settings, make, code, words):
    ok = base64.b64encode(H.encode(H.qr_code(), "PNG")).decode()
    r = api.post("/api/v1/complaints", content_type="application/json", data=json.dumps(
        {**GOOD, "evidence_b64": [ok, base64.b64encode(make()).decode()]}))
    assert r.status_code == 422, r.content.decode()[:500]
    (error,) = r.json()["errors"]
    assert (error["field"], error["code"]) == ("evidence_b64.1", code) and words in error["message"]
    nothing_written(settings)


@pytest.mark.parametrize(("make", "code", "words"), HOSTILE)
def test_public_form_evidence_refused(anon, target, no_challenge, settings, make, code, words):
    upload = SimpleUploadedFile("shot.png", make(), content_type="image/png")
    r = anon.post("/complaints/public/", {"category": "8.2", "target": "t1", "website": "",
                                          "description": "冒充政府机关，头像使用国徽。", "evidence": [upload]})
    assert r.status_code == 422
    assert words in " ".join(r.context["form"].errors["evidence"])
    nothing_written(settings)


def test_animated_evidence_is_kept_as_its_first_picture(file_complaint, target):
    c = file_complaint(evidence=[H.gif_qr_in_later_frame()])
    ev = c.evidence.get()
    assert ev.content_type == "image/png" and (ev.width, ev.height) == (320, 320)


def test_evidence_is_not_served_by_media(login, moderator, supervisor, file_complaint, target, settings):
    c = file_complaint(evidence=[H.encode(H.qr_code(), "PNG")])
    ev = c.evidence.get()
    assert (settings.MEDIA_ROOT / ev.file.name).is_file()
    for user in (moderator, supervisor):
        assert login(user).get(f"/media/{ev.file.name}").status_code == 404
    r = login(supervisor).get(f"/complaints/{c.pk}/evidence/{ev.pk}/")
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("make", "code", "words"), HOSTILE[:3])
def test_reply_evidence_refused(anon, target, file_complaint, moderator, make, code, words):
    from complaints import services
    from complaints.choices import ComplaintStatus

    c = file_complaint()
    services.complaint_request_info(actor=moderator, complaint=c, question="请补充截图")
    r = anon.post("/complaints/public/status/", {
        "intent": "reply", "code": c.tracking_code, "reply": "补充：附上截图。",
        "evidence": [SimpleUploadedFile("a.png", make(), content_type="image/png")]})
    assert r.status_code == 400 and words in r.content.decode()
    c.refresh_from_db()
    assert c.status == ComplaintStatus.WAITING and not c.evidence.exists()
