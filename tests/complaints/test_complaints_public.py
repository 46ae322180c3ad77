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


def captcha(html: str) -> tuple[str, str]:
    """The key of the captcha on a page and its answer (read from the store, as a person reads
    the picture)."""
    from captcha.models import CaptchaStore

    tag = re.search(r'<input[^>]*name="captcha_0"[^>]*>', html).group(0)
    key = re.search(r'value="([0-9a-f]+)"', tag).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


def form_data(client, **overrides):
    r = client.get("/complaints/public/")
    data = {"category": "8.2", "target": "t1", "description": "冒充政府机关，头像使用国徽。", "contact": "",
            "website": ""}
    if "captcha" in r.context["form"].fields:
        data["captcha_0"], data["captcha_1"] = captcha(r.content.decode())
    data.update(overrides)
    return data


@pytest.fixture
def anon(db):
    return Client(REMOTE_ADDR="203.0.113.10")


def test_file_a_complaint_and_get_a_code(anon, target):
    r = anon.get("/complaints/public/")
    html = r.content.decode()
    assert r.status_code == 200 and 'name="captcha_1"' in html and "投诉举报" in html
    assert r["Cache-Control"].startswith("max-age=0") or "no-store" in r["Cache-Control"]
    r = anon.post("/complaints/public/", form_data(anon))
    assert r.status_code == 200, r.content.decode()[:2000]
    code = r.context["code"]
    assert re.fullmatch(r"QL-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    c = Complaint.objects.get(tracking_code=code)
    assert c.source == "web" and c.account == target and c.reporter_ip_hash
    assert "203.0.113.10" not in str(Complaint.objects.filter(pk=c.pk).values().first())


def test_the_captcha_picture_is_served_here(anon):
    """Drawn by this server from the library's bundled font: no other site is involved."""
    html = anon.get("/complaints/public/").content.decode()
    src = re.search(r'<img src="([^"]+)"[^>]*data-captcha-image', html).group(1)
    assert src.startswith("/complaints/public/captcha/image/")
    r = anon.get(src)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size[0] > 50
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loads from elsewhere


@pytest.mark.parametrize("bad", [{"captcha_1": "WRONG"}, {"captcha_1": ""}, {"captcha_0": "forged"},
                                 {"website": "http://spam"}])
def test_captcha_and_honeypot(anon, target, bad):
    data = form_data(anon, **bad)
    r = anon.post("/complaints/public/", data)
    assert r.status_code == 400 and not Complaint.objects.exists()
    assert captcha(r.content.decode())[0] != data["captcha_0"]  # a fresh picture to try again


def test_captcha_key_is_single_use(anon, target):
    data = form_data(anon)
    assert anon.post("/complaints/public/", data).status_code == 200
    r = anon.post("/complaints/public/", {**data, "description": "再提交一次，复用同一张验证码。"})
    assert r.status_code == 400 and Complaint.objects.count() == 1


@pytest.mark.parametrize("first_try", ["WRONG", "", "七七七七七"])
def test_every_attempt_burns_the_captcha(anon, target, first_try):
    """Guessing used to be free: a wrong answer left the question open for the next guess."""
    data = form_data(anon)
    assert anon.post("/complaints/public/", {**data, "captcha_1": first_try}).status_code == 400
    r = anon.post("/complaints/public/", data)  # now the right answer, to the same picture
    assert r.status_code == 400 and "captcha" in r.context["form"].errors
    assert not Complaint.objects.exists()


def test_answer_is_not_in_the_page(anon):
    html = anon.get("/complaints/public/").content.decode()
    _key, answer = captcha(html)
    assert answer.lower() not in html.lower() and answer.upper() not in html


def test_chinese_input_gets_a_clear_message(anon, target):
    """Issue 14 #6: an answer in Chinese was told "wrong or expired"; it is told what to type."""
    r = anon.post("/complaints/public/", form_data(anon, captcha_1="七加二"))
    assert r.status_code == 400
    assert "英文字母和数字" in " ".join(r.context["form"].errors["captcha"])


def test_full_width_and_lower_case_answers_count(anon, target):
    """What a Chinese input method types in full-width mode is the same answer."""
    data = form_data(anon)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in data["captcha_1"].upper())
    r = anon.post("/complaints/public/", {**data, "captcha_1": f" {full_width} "})
    assert r.status_code == 200, r.context["form"].errors


def test_after_an_error_everything_but_the_files_is_kept(anon, target, png):
    """Issue 14 #1: the question vanished after an error and the evidence silently went."""
    upload = SimpleUploadedFile("shot.png", png, content_type="image/png")
    data = form_data(anon, description="短", contact="13800138000", target="https://example.com/u/t1")
    r = anon.post("/complaints/public/", {**data, "evidence": [upload]})
    html = r.content.decode()
    assert r.status_code == 400 and "description" in r.context["form"].errors
    key, _answer = captcha(html)  # a new picture, under its label
    assert key != data["captcha_0"] and re.search(r"验证码[^<]*<span class=\"req\">", html)
    assert 'value="https://example.com/u/t1"' in html and 'value="13800138000"' in html
    assert 'data-testid="evidence-dropped"' in html and "重新选择证据截图" in html
    r = anon.post("/complaints/public/", form_data(anon, description="短"))
    assert 'data-testid="evidence-dropped"' not in r.content.decode()  # no files, nothing to say


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


def test_every_post_counts_against_the_address_limit(settings, anon, target):
    """Wrong answers used to cost nothing: the limit was counted only for complaints received."""
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(2, 600)], "target": [(100, 3600)]}
    for _ in range(2):
        assert anon.post("/complaints/public/", form_data(anon, captcha_1="WRONG")).status_code == 400
    r = anon.post("/complaints/public/", form_data(anon))
    assert r.status_code == 429 and "频繁" in r.content.decode() and r["Retry-After"] == "600"
    assert not Complaint.objects.exists()


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if anything parses a request body."""
    from django.http import multipartparser

    def refuse(*args, **kwargs):
        raise AssertionError("the request body was parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    monkeypatch.setattr("django.http.request.HttpRequest._load_post_and_files", refuse)


def test_over_the_limit_is_refused_before_the_body_is_read(settings, target, png):
    settings.COMPLAINTS_RATE_LIMITS = {"ip": [(1, 600)], "target": [(100, 3600)], "status_ip": [(1, 600)]}
    client = Client(REMOTE_ADDR="198.51.100.60")
    data = {**form_data(client), "evidence": [SimpleUploadedFile("a.png", png, content_type="image/png")]}
    assert client.post("/complaints/public/", data).status_code == 200
    client.post("/complaints/public/status/", {"intent": "lookup", "code": "QL-AAAA-BBBB-CCCC"})
    with pytest.MonkeyPatch.context() as patch:
        from django.http import multipartparser

        patch.setattr(multipartparser.MultiPartParser, "parse", lambda *a, **k: pytest.fail("body parsed"))
        patch.setattr("complaints.services.intake.clean_image", lambda *a, **k: pytest.fail("image decoded"))
        data = {**form_data(client), "evidence": [SimpleUploadedFile("a.png", png, content_type="image/png")]}
        assert client.post("/complaints/public/", data).status_code == 429
        r = client.post("/complaints/public/status/", {"intent": "lookup", "code": "QL-AAAA-BBBB-CCCC"})
        assert r.status_code == 429 and "查询过于频繁" in r.content.decode()
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("path", ["/complaints/public/", "/complaints/public/status/", "/complaints/1/reject/",
                                  "/login/"])
def test_multipart_bodies_over_the_cap_are_refused_unread(settings, anon, no_parsing, path):
    settings.COMPLAINTS_MAX_UPLOAD_BYTES = 64 * 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"\0" * (80 * 1024), content_type="image/png")
    r = anon.post(path, {"description": "x", "evidence": [big]})
    assert r.status_code == 413 and "上传内容过大" in r.content.decode()


def test_multipart_without_a_length_is_refused(anon, no_parsing):
    r = anon.generic("POST", "/complaints/public/", b"--x\r\n", content_type="multipart/form-data; boundary=x",
                     CONTENT_LENGTH="")
    assert r.status_code == 411


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


def test_unanswered_captchas_are_purged(anon):
    import datetime as dt

    from captcha.models import CaptchaStore
    from django.utils import timezone

    from complaints import jobs

    key, _answer = captcha(anon.get("/complaints/public/").content.decode())
    stale, _answer = captcha(anon.get("/complaints/public/").content.decode())
    CaptchaStore.objects.filter(hashkey=stale).update(expiration=timezone.now() - dt.timedelta(minutes=1))
    assert jobs.purge_expired_captchas() == 1
    assert list(CaptchaStore.objects.values_list("hashkey", flat=True)) == [key]


def test_filed_page_opens_the_status_with_the_code_filled_in(no_challenge, target):
    """Bug 4: after filing, the status page needed the code typed again."""
    client = Client(REMOTE_ADDR="198.51.100.60")
    r = client.post("/complaints/public/", {"category": "8.4", "target": "t1", "description": "冒充新闻媒体发布消息。"})
    code = r.context["code"]
    html = r.content.decode()
    form = html[html.index('data-testid="status-lookup"'):]
    assert f'name="code" value="{code}"' in form[:form.index("</form>")]
    r = client.post("/complaints/public/status/", {"intent": "lookup", "code": code})
    html = r.content.decode()
    assert r.status_code == 200 and code in html and f'value="{code}"' in html
