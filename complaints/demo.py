"""Demo complaints for ``seed_demo`` (idempotent: only when there are none yet)."""

from __future__ import annotations

import random

from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import Account
from complaints import services
from complaints.choices import ComplaintCategory, ComplaintSource, ComplaintStatus, ScreeningResult
from complaints.models import Complaint
from core.models import ApiClient

DESCRIPTIONS = {
    ComplaintCategory.ART8_2: "该账号名称使用“某某市人民政府”字样，头像是政府徽标，疑似假冒政府机关。",
    ComplaintCategory.ART8_4: "账号名叫“XX新闻快报”，并非新闻单位却使用新闻名称发布消息。",
    ComplaintCategory.ART8_6: "简介里放了微信号和二维码，引导加好友卖货。",
    ComplaintCategory.ART8_7: "自称“国家级名医”，实际没有资质，夸大宣传。",
    ComplaintCategory.IMPERSONATION: "这个账号用了我的真实姓名和照片，冒充我本人。",
    ComplaintCategory.PERSONAL_INFO: "账号简介里公开了我的手机号和住址。",
    ComplaintCategory.OTHER: "签名里有侮辱性内容。",
}


def seed(stdout=None, count: int = 40) -> int:
    if Complaint.objects.exists():
        return 0
    rng = random.Random(19)  # noqa: S311 - demo data
    accounts = list(Account.objects.order_by("id").values_list("uid", flat=True)[:200])
    moderator = User.objects.filter(username="moderator").first()
    # platform reports come from the platform's client, as through the API
    platform = ApiClient.objects.filter(name="demo-platform", is_active=True).first()
    if not accounts or moderator is None:
        return 0
    made = 0
    for i in range(count):
        category = rng.choice(list(DESCRIPTIONS))
        target = rng.choice(accounts) if i % 7 else f"https://example.com/u/unknown{i}"
        from_platform = platform is not None and i % 2 == 0
        with transaction.atomic():
            complaint, _created = services.complaint_submit(
                actor=platform if from_platform else None, data=services.ComplaintInput(
                    category=category, target=target, description=DESCRIPTIONS[category],
                    contact=f"1380013{i:04d}" if i % 3 == 0 else "",
                    source=ComplaintSource.API if from_platform else ComplaintSource.WEB,
                    external_ref=f"demo-{i}" if from_platform else ""))
            made += 1
            if complaint.status != ComplaintStatus.RECEIVED:
                continue
            step = i % 6
            if step >= 1:
                complaint = services.complaint_accept(actor=moderator, complaint=complaint)
            if step >= 2:
                complaint = services.complaint_start_screening(actor=moderator, complaint=complaint)
            if step >= 3:
                complaint = services.complaint_screen(actor=moderator, complaint=complaint,
                                                      result=ScreeningResult.VALID if i % 2 else ScreeningResult.INVALID)
            if step >= 4 and complaint.status == ComplaintStatus.HANDLING:
                complaint = services.complaint_send_feedback(actor=moderator, complaint=complaint,
                                                             outcome=services.OUTCOME_VIOLATION)
            if step == 5 and complaint.status == ComplaintStatus.FEEDBACK_SENT:
                services.complaint_close(actor=moderator, complaint=complaint)
    if stdout is not None:
        stdout.write(f"demo complaints: {made}")
    return made
