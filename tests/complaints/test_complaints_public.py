"""The public entrance (no login): the challenge, rate limits, evidence uploads, the status page
and the published process — and that none of it leaks anything about other people."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, ComplaintEvidence

from .conftest import image_bytes

CN = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN[tens] if tens else 1) * 10 + (CN[ones] if ones else 0)
    return CN[text]


def solve(question: str) -> int:
    m = re.match(r"(.+?)([加减])(.+?)等于几", question)
    a, op, b = cn_number(m.group(1)), m.group(2), cn_number(m.group(3))
    return a + b if op == "加" else a - b


def form_data(client, **overrides):
    r = client.get("/complaints/public/")
    form = r.context["form"]
    data = {"category": "8.2", "target": "t1", "description": "冒充政府机关，头像使用国徽。", "contact": "",
            "website": ""}
    if "token" in form.fields:
        data["token"] = form.initial["token"]
        data["answer"] = str(solve(form.question))
    data.update(overrides)
    return data


@pytest.fixture
def anon(db):
    return Client(REMOTE_ADDR="203.0.113.10")


def test_file_a_complaint_and_get_a_code(anon, target):
    r = anon.get("/complaints/public/")
    html = r.content.decode()
    assert r.status_code == 200 and "等于几" in html and "投诉举报" in html
    assert r["Cache-Control"].startswith("max-age=0") or "no-store" in r["Cache-Control"]
    r = anon.post("/complaints/public/", form_data(anon))
    assert r.status_code == 200, r.content.decode()[:2000]
    code = r.context["code"]
    assert re.fullmatch(r"QL-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    c = Complaint.objects.get(tracking_code=code)
    assert c.source == "web" and c.account == target and c.reporter_ip_hash
    assert "203.0.113.10" not in str(Complaint.objects.filter(pk=c.pk).values().first())


@pytest.mark.parametrize("bad", [{"answer": "99"}, {"answer": ""}, {"token": "forged"}, {"website": "http://spam"}])
def test_challenge_and_honeypot(anon, target, bad):
    r = anon.post("/complaints/public/", form_data(anon, **bad))
    assert r.status_code == 400 and not Complaint.objects.exists()
    assert r.context["form"].question  # a fresh question to try again


def test_challenge_token_is_single_use(anon, target):
    data = form_data(anon)
    assert anon.post("/complaints/public/", data).status_code == 200
    r = anon.post("/complaints/public/", {**data, "description": "再提交一次，复用同一题目。"})
    assert r.status_code == 400 and Complaint.objects.count() == 1


def test_answer_is_not_in_the_page(anon):
    r = anon.get("/complaints/public/")
    token = r.context["form"].initial["token"]
    answer = solve(r.context["form"].question)
    from django.core import signing

    payload = signing.loads(token, salt="complaints.challenge")
    assert str(answer) not in {str(v) for v in payload.values()}


def test_rate_limit_per_ip(settings, no_challenge, target, make_account):
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(2, 600)], "target": [(100, 3600)]}
    client = Client(REMOTE_ADDR="198.51.100.20")
    for i in range(2):
        make_account(uid=f"r{i}")
        assert client.post("/complaints/public/", form_data(client, target=f"r{i}")).status_code == 200
    r = client.post("/complaints/public/", form_data(client, target="t1"))
    assert r.status_code == 429 and "频繁" in r.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.21")
    assert other.post("/complaints/public/", form_data(other)).status_code == 200


def test_rate_limit_per_ip_behind_a_trusted_proxy(settings, no_challenge, target, make_account):
    """Every request arrives from the proxy; the limit applies to each forwarded client."""
    from core.clientip import parse_networks  # noqa: PLC0415

    settings.TRUSTED_PROXIES = parse_networks("10.0.0.0/8")
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(1, 600)], "target": [(100, 3600)]}
    first = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="36.110.1.2")
    assert first.post("/complaints/public/", form_data(first)).status_code == 200
    assert first.post("/complaints/public/", form_data(first)).status_code == 429
    second = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 36.110.1.3")  # left hop spoofed
    assert second.post("/complaints/public/", form_data(second)).status_code == 200
    spoofer = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="36.110.1.3, 36.110.1.2")
    assert spoofer.post("/complaints/public/", form_data(spoofer)).status_code == 429


def test_rate_limit_per_target(settings, no_challenge, target):
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(100, 600)], "target": [(2, 3600)]}
    for i in range(2):
        c = Client(REMOTE_ADDR=f"198.51.100.{30 + i}")
        assert c.post("/complaints/public/", form_data(c)).status_code == 200
    c = Client(REMOTE_ADDR="198.51.100.40")
    r = c.post("/complaints/public/", form_data(c, target="https://example.com/u/t1"))
    assert r.status_code == 429
    assert Complaint.objects.count() == 2


def test_ipv6_rate_limit_uses_the_64(settings, no_challenge, target):
    from complaints.ratelimit import ip_key

    assert ip_key("2001:db8:1:2::1") == ip_key("2001:db8:1:2:ffff::9") != ip_key("2001:db8:1:3::1")


# ---------------------------------------------------------------------------------------------
# Evidence


def test_evidence_gps_and_metadata_stripped(anon, target):
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0112] = 6  # rotated
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)})
    img = Image.new("RGB", (60, 40), (10, 120, 200))
    raw = io.BytesIO()
    img.save(raw, format="JPEG", exif=exif, comment=b"taken at home")
    raw = raw.getvalue()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    upload = SimpleUploadedFile("IMG_0001.jpg", raw, content_type="image/jpeg")
    r = anon.post("/complaints/public/", {**form_data(anon), "evidence": [upload]})
    assert r.status_code == 200
    ev = ComplaintEvidence.objects.get()
    stored = ev.file.read()
    out = Image.open(io.BytesIO(stored))
    assert dict(out.getexif()) == {} and not out.getexif().get_ifd(0x8825)
    assert b"Canon" not in stored and b"taken at home" not in stored and b"GPS" not in stored
    assert out.size == (40, 60)  # orientation applied before the tag was dropped
    assert "IMG_0001" not in ev.file.name and ev.content_type == "image/jpeg"


def test_png_text_chunks_stripped(target, file_complaint):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 39.9,116.4 住址：某某小区")
    raw = io.BytesIO()
    Image.new("RGBA", (20, 20)).save(raw, format="PNG", pnginfo=info)
    c = file_complaint(evidence=[raw.getvalue()])
    stored = c.evidence.get().file.read()
    assert "住址".encode() not in stored and b"Comment" not in stored


@pytest.mark.parametrize(("name", "content", "message"), [
    ("big.png", image_bytes(size=(10, 10)) + b"\0" * (5 * 1024 * 1024 + 1), "超过"),
    ("fake.png", b"%PDF-1.7 not an image at all", "图片"),
    ("script.jpg", b"<script>alert(1)</script>", "图片"),
    ("anim.bmp", image_bytes(fmt="BMP"), "格式"),
])
def test_evidence_refused(anon, target, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    r = anon.post("/complaints/public/", {**form_data(anon), "evidence": [upload]})
    assert r.status_code in (400, 413, 422)  # the form refuses the size, the image check the rest
    assert message in str(r.context["form"].errors)
    assert not Complaint.objects.exists() and not ComplaintEvidence.objects.exists()


def test_too_many_files(anon, target):
    files = [SimpleUploadedFile(f"{i}.png", image_bytes(), content_type="image/png") for i in range(4)]
    r = anon.post("/complaints/public/", {**form_data(anon), "evidence": files})
    assert r.status_code == 400 and not Complaint.objects.exists()


# ---------------------------------------------------------------------------------------------
# Status page and leaks


def _lookup(client, code):
    return client.post("/complaints/public/status/", {"intent": "lookup", "code": code})


def test_status_page_shows_own_progress_and_nothing_else(anon, target, file_complaint, moderator):
    mine = file_complaint(contact="13800138000", description="我的投诉：该账号冒用政府名义。")
    other = file_complaint(description="别人的投诉：涉及个人隐私细节XYZ。", contact="other@example.com")
    assert other.status == ComplaintStatus.MERGED and other.merged_into == mine
    services.complaint_claim(actor=moderator, complaint=mine)
    mine = services.complaint_accept(actor=moderator, complaint=mine)
    services.complaint_request_info(actor=moderator, complaint=mine, question="请补充截图")
    for complaint in (mine, other):
        r = _lookup(anon, complaint.tracking_code.lower().replace("-", " "))  # forgiving input
        html = r.content.decode()
        assert r.status_code == 200, html[:500]
        assert r["Cache-Control"] and "no-store" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
        assert r["Referrer-Policy"] == "same-origin" and "noindex" in r["X-Robots-Tag"]
        # Random tokens (CSRF) can contain short secrets such as "t1" by chance: leave them out.
        text = re.sub(r"[A-Za-z0-9_-]{32,}", "", html)
        for secret in ("某某市人民政府发布", "t1", "13800138000", "138****8000", "other@example.com", "o***@",
                       "XYZ", "冒用政府名义", "moderator", "审核工单"):
            assert secret not in text, (complaint.tracking_code, secret)
        codes = set(re.findall(r"QL-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", html)) - {"QL-XXXX-XXXX-XXXX"}
        assert codes == {complaint.tracking_code}
    assert "请补充截图" in _lookup(anon, mine.tracking_code).content.decode()
    assert "请补充截图" not in _lookup(anon, other.tracking_code).content.decode()


def test_unknown_code(anon):
    r = _lookup(anon, "QL-AAAA-BBBB-CCCC")
    assert r.status_code == 404 and "未找到" in r.content.decode()
    assert _lookup(anon, "1 OR 1=1").status_code == 404


def test_status_lookups_are_rate_limited(settings, anon):
    settings.COMPLAINTS_RATE_LIMITS = {"status_ip": [(3, 600)]}
    for _ in range(3):
        _lookup(anon, "QL-AAAA-BBBB-CCCC")
    assert _lookup(anon, "QL-AAAA-BBBB-CCCC").status_code == 429


def test_complainant_replies_and_the_clock_restarts(anon, target, file_complaint, moderator, png):
    c = file_complaint()
    services.complaint_request_info(actor=moderator, complaint=c, question="请补充截图")
    r = anon.post("/complaints/public/status/", {
        "intent": "reply", "code": c.tracking_code, "reply": "补充：附上截图。",
        "evidence": [SimpleUploadedFile("a.png", png, content_type="image/png")]})
    assert r.status_code == 200
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED and "附上截图" in c.complainant_reply
    assert c.evidence.filter(from_reply=True).count() == 1
    # a reply to a complaint that is not waiting changes nothing
    anon.post("/complaints/public/status/", {"intent": "reply", "code": c.tracking_code, "reply": "再来一次"})
    c.refresh_from_db()
    assert "再来一次" not in c.complainant_reply


def test_outcome_shown_when_answered(anon, target, file_complaint, moderator):
    c = file_complaint()
    services.complaint_reject(actor=moderator, complaint=c, reason="未能识别被投诉账号")
    html = _lookup(anon, c.tracking_code).content.decode()
    assert "不予受理" in html and "未能识别被投诉账号" in html


def test_intake_response_does_not_reveal_whether_the_account_exists(no_challenge, target):
    a = Client(REMOTE_ADDR="198.51.100.50").post("/complaints/public/", {
        "category": "8.4", "target": "t1", "description": "冒充新闻媒体发布消息。"})
    b = Client(REMOTE_ADDR="198.51.100.51").post("/complaints/public/", {
        "category": "8.4", "target": "no-such-uid", "description": "冒充新闻媒体发布消息。"})
    strip = lambda r: re.sub(r"QL-[A-Z0-9-]+|csrfmiddlewaretoken\" value=\"[^\"]+\"|X-CSRFToken\": \"[^\"]+\"", "",  # noqa: E731
                             r.content.decode())
    assert a.status_code == b.status_code == 200
    assert strip(a) == strip(b)


def test_process_page_is_generated_from_policies(anon, supervisor):
    html = anon.get("/complaints/public/process/").content.decode()
    assert "15 个工作日内" in html and "假冒新闻媒体" in html and "受理" in html
    services.sla_policy_update(actor=supervisor, category="8.4", accept_days=1, feedback_days=7)
    html = anon.get("/complaints/public/process/").content.decode()
    assert "7 个工作日内" in html


@pytest.mark.parametrize("url", ["/login/", "/complaints/public/", "/complaints/public/status/",
                                 "/complaints/public/process/"])
def test_public_pages_link_the_entrance(anon, url):
    r = anon.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'href="/complaints/public/"' in html
    assert "/complaints/metrics/" not in html and "/accounts/" not in html  # no staff navigation
