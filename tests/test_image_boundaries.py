"""Images fail closed where they enter (issue 11 §1): avatar and cover of a submission and
qualification evidence are refused with a 422 naming the field and the reason, and nothing is
written; images that pass are scanned in every frame at full resolution. Complaint evidence is
covered in tests/complaints/test_complaints_images.py.
"""

from __future__ import annotations

import base64
import json

import pytest

from accounts.models import Account, Qualification
from core.models import AuditEntry
from moderation.models import Submission
from tests import hostile_images as H
from tests.hostile_images import HOSTILE


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post(api, url, body):
    return api.post(url, data=json.dumps(body), content_type="application/json")


def refused(r, field, code, words):
    assert r.status_code == 422, r.content.decode()[:500]
    (error,) = r.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert words in error["message"]


@pytest.mark.parametrize("field", ["avatar_b64", "cover_b64"])
@pytest.mark.parametrize(("make", "code", "words"), HOSTILE)
def test_submission_image_refused_and_nothing_written(api, make_account, _media, field, make, code, words):
    account = make_account(uid="c1", name="小红")
    audit_before = AuditEntry.objects.count()
    for body in (
        {"idempotency_key": "reg-key-0001", "kind": "registration", "uid": "r1", "info": {"name": "小明"},
         "identity": {"method": "mobile", "number": "13800138001"}, field: b64(make())},
        {"idempotency_key": "chg-key-0001", "kind": "change", "uid": "c1", "info": {}, field: b64(make())},
    ):
        refused(post(api, "/api/v1/submissions", body), field, code, words)
    assert not Submission.objects.exists() and not Account.objects.filter(uid="r1").exists()
    account.refresh_from_db()
    assert not account.avatar and not account.cover
    assert AuditEntry.objects.count() == audit_before
    assert not _media.exists() or files_under(_media) == []


@pytest.mark.parametrize("make", [H.gif_qr_in_later_frame, H.alpha_only_qr, lambda: H.photo(qr_scale=2)],
                         ids=["gif-code-in-second-frame", "code-in-alpha-only", "small-code-in-4000x3000-photo"])
def test_submission_image_with_a_hidden_qr_code_is_rejected(api, make, _media):
    r = post(api, "/api/v1/submissions", {
        "idempotency_key": "reg-key-qr01", "kind": "registration", "uid": "r1", "info": {"name": "小明"},
        "identity": {"method": "mobile", "number": "13800138001"}, "avatar_b64": b64(make())})
    assert r.status_code == 201, r.content.decode()[:500]
    body = r.json()
    assert body["decision"] == "reject" and body["status"] == "rejected"
    assert [(f["rule"], f["field"], f["matched"]) for f in body["findings"]] == [("image.qr", "avatar", H.QR_TEXT)]
    assert not Account.objects.filter(uid="r1").exists()


def test_submission_image_not_fully_checked_goes_to_review(api, monkeypatch, _media):
    from rules import images

    monkeypatch.setattr(images, "SCAN_BUDGET_S", 0)  # the scan's time budget runs out at once
    r = post(api, "/api/v1/submissions", {
        "idempotency_key": "reg-key-slow", "kind": "registration", "uid": "r1", "info": {"name": "小明"},
        "identity": {"method": "mobile", "number": "13800138001"}, "avatar_b64": b64(H.photo((1600, 1200)))})
    assert r.status_code == 201, r.content.decode()[:500]
    body = r.json()
    assert body["decision"] == "review" and body["case_id"]
    assert [f["rule"] for f in body["findings"]] == ["image.unchecked"]
    assert not Account.objects.filter(uid="r1").exists()


def test_a_good_animated_avatar_is_accepted(api, _media):
    frames = H.gif_too_many_frames(20)  # twenty plain frames, no code
    r = post(api, "/api/v1/submissions", {
        "idempotency_key": "reg-key-anim", "kind": "registration", "uid": "r1", "info": {"name": "小明"},
        "identity": {"method": "mobile", "number": "13800138001"}, "avatar_b64": b64(frames)})
    assert r.status_code == 201 and r.json()["decision"] == "allow", r.content.decode()[:500]
    assert Account.objects.get(uid="r1").avatar.name.endswith(".gif")


QUAL = {"domain": "medical", "document_name": "医师执业证书", "document_number": "110101199003071233",
        "issuer": "北京市卫生健康委员会", "valid_until": "2030-12-31"}


@pytest.mark.parametrize(("make", "code", "words"), HOSTILE)
def test_qualification_evidence_refused_and_nothing_written(api, make_account, _media, make, code, words):
    make_account(uid="p1", name="张医生")
    r = post(api, "/api/v1/accounts/p1/qualifications", {**QUAL, "evidence_b64": b64(make())})
    refused(r, "evidence_b64", code, words)
    assert not Qualification.objects.exists()
    assert not _media.exists() or files_under(_media) == []


def test_qualification_evidence_pdf_and_good_image_still_accepted(api, make_account):
    make_account(uid="p1", name="张医生")
    png = H.encode(H.qr_code(), "PNG")  # a QR code on a certificate is fine: only avatar/cover are scanned
    assert post(api, "/api/v1/accounts/p1/qualifications", {**QUAL, "evidence_b64": b64(png)}).status_code == 201
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    r = post(api, "/api/v1/accounts/p1/qualifications", {**QUAL, "domain": "news", "evidence_b64": b64(pdf)})
    assert r.status_code == 201
    assert sorted(q.evidence.name.rsplit(".", 1)[1] for q in Qualification.objects.all()) == ["pdf", "png"]


# ---------------------------------------------------------------------------------------------
# /media/: registered folders only, judged after normalisation, never cached; never complaint evidence


def test_media_serves_registered_folders_only_and_caches_nothing(login, moderator, _media):
    for rel in ("images/2026/12/a.png", "submissions/2026/12/b.png", "evidence/2026/12/c.png",
                "complaints/evidence/2026/12/d.png", "other/e.png"):
        path = _media / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(H.encode(H.qr_code(), "PNG"))
    c = login(moderator)
    for url in ("/media/images/2026/12/a.png", "/media/submissions/2026/12/b.png", "/media/evidence/2026/12/c.png"):
        r = c.get(url)
        assert r.status_code == 200 and r["Cache-Control"] == "private, no-store", url
    for url in ("/media/complaints/evidence/2026/12/d.png", "/media/images/../complaints/evidence/2026/12/d.png",
                "/media/images/%2e%2e/complaints/evidence/2026/12/d.png", "/media//complaints/evidence/2026/12/d.png",
                "/media/images/2026/../../complaints/evidence/2026/12/d.png", "/media/other/e.png"):
        assert c.get(url).status_code == 404, url


def test_refusal_reason_in_english():
    from django.utils import translation

    from core.errors import ServiceError
    from core.images import check_upload

    with translation.override("en"), pytest.raises(ServiceError) as exc:
        check_upload(H.bomb_png(), field="avatar_b64")
    assert exc.value.message == "The image is too large (at most 16.8 megapixels a frame and 16384 pixels a side)"
