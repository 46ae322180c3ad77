"""Reviewer wellness (issue 14): pictures on case, complaint and account pages are marked
sensitive (blurred by CSS until revealed), the switches are on every staff page, and revealing
writes nothing to the audit log (it is the moderator's own protection)."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from core.models import AuditEntry
from moderation import services


def test_case_pictures_are_blurred_until_revealed(login, moderator, make_account):
    account = make_account(uid="wl1")
    case = services.case_open(actor=None, account=account, reason="complaint", source="t:1")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(buf, format="PNG")
    account.avatar.save("a.png", ContentFile(buf.getvalue()))
    c = login(moderator)
    before = AuditEntry.objects.count()
    html = c.get(f"/moderation/cases/{case.pk}/").content.decode()
    assert 'class="preview sensitive"' in html
    assert 'data-wellness="moderator"' in html and "wellness.js" in html
    html = c.get(f"/accounts/{account.uid}/").content.decode()
    assert 'class="thumb sensitive"' in html
    image = c.get(f"/moderation/cases/{case.pk}/image/avatar/current/")
    assert image.status_code == 200
    assert AuditEntry.objects.count() == before  # viewing and revealing are not audited


def test_css_blurs_and_greyscales():
    css = (Path(settings.BASE_DIR) / "static/css/qinglang.css").read_text(encoding="utf-8")
    assert "img.sensitive { filter: blur(" in css and "grayscale(1)" in css
