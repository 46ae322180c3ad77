"""Appeals add to moderation's notices without moderation importing them
(``moderation.signals.notice_building``): a notice of a measure or of a refused registration or
change carries a signed, expiring link to the public appeal page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from appeals import conf
from appeals.services.filing import appeal_link_token
from moderation.choices import NoticeKind

APPEALABLE = {NoticeKind.MEASURE_APPLIED, NoticeKind.SUBMISSION_REJECTED}


def on_notice_building(sender, notice, **kwargs) -> dict | None:
    if notice.kind not in APPEALABLE:
        return None
    token, due = appeal_link_token(notice)
    url = conf.get("public_base_url").rstrip("/") + reverse("appeals:public_file", args=[token])
    return {"appeal_url": url, "appeal_due_at": due.isoformat(),
            "body_lines": [f"申诉入口（{timezone.localtime(due):%Y年%m月%d日 %H:%M} 前有效）：{url}"]}
