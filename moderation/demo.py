"""Demo moderation data for ``seed_demo``: reason templates and a handful of registrations and
changes sent through the real verification pipeline, so the queue has cases of each kind
(review, strict review) next to the complaint cases. Runs once: it does nothing when templates
or submissions already exist."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from accounts import identity
from accounts.models import Account
from core.errors import ServiceError
from core.models import ApiClient
from moderation.models import ReasonTemplate, Submission

TEMPLATES = [
    ("8.2", "冒充机关单位", "账号名称使用了党政机关、企事业单位或社会组织的名称，且未提供相应证明材料，不予通过。"),
    ("8.4", "冒用新闻属性名称", "账号信息使用了新闻媒体或新闻属性的名称，但账号未取得互联网新闻信息服务许可，不予通过。"),
    ("8.6", "夹带联系方式", "账号信息中含有联系方式或引流信息（电话、微信号、二维码等），请删除后重新提交。"),
    ("8.7", "夸大其词", "账号信息含有“第一”“最权威”等夸大或名不副实的表述，请修改后重新提交。"),
    ("11", "缺少专业资质", "账号信息涉及医疗、金融、教育、法律等专业领域，请先提交相应的专业资质认证。"),
    ("10.2", "“中国”等字样需从严核验", "账号名称含有“中国”“中华”“中央”“全国”“国家”等字样，所提供材料不足以证明其使用资格。"),
]

# (uid, kind, info): changes of existing demo accounts and new registrations.
SUBMISSIONS = [
    ("demo-000003", "change", {"name": "王医生健康课堂", "bio": "三甲医院主任医师，在线问诊"}),
    ("demo-000004", "change", {"name": "张律师说法"}),
    ("demo-000005", "change", {"bio": "合作请加微信 abc12345"}),
    ("demo-000006", "change", {"name": "理财规划师小刘"}),
    ("demo-000007", "change", {"name": "心理咨询师阿May", "bio": "倾听你的故事"}),
    ("demo-new-001", "registration", {"name": "国家地理爱好者", "bio": "分享旅行照片"}),
    ("demo-new-002", "registration", {"name": "中国美食地图", "bio": "吃遍全国"}),
    ("demo-new-003", "registration", {"name": "周末骑行", "bio": "骑行路线分享"}),
]


def seed(stdout=None) -> int:
    from moderation.services.pipeline import SubmissionInput, submission_process
    from moderation.services.rule_terms import reason_template_save

    supervisor = User.objects.filter(username="supervisor").first()
    client = ApiClient.objects.filter(name="demo-platform", is_active=True).first()
    made = 0
    if supervisor is not None and not ReasonTemplate.objects.exists():
        for article, title, text in TEMPLATES:
            with transaction.atomic():
                reason_template_save(actor=supervisor, article=article, title=title, text=text)
            made += 1
    if client is not None and not Submission.objects.exists():
        existing = set(Account.objects.filter(uid__in=[uid for uid, *_ in SUBMISSIONS]).values_list("uid", flat=True))
        for n, (uid, kind, info) in enumerate(SUBMISSIONS):
            if (kind == "change") != (uid in existing):
                continue
            mobile = identity.validate_mobile(f"1390000{n:04d}") if kind == "registration" else None
            try:
                submission_process(client=client, data=SubmissionInput(
                    idempotency_key=f"demo-{uid}-{kind}", kind=kind, uid=uid, info=info, identity=mobile))
            except ServiceError as exc:  # e.g. a pause switched on in this database: demo data is optional
                if stdout is not None:
                    stdout.write(f"demo moderation: {uid} skipped ({exc.message})")
                continue
            made += 1
    if stdout is not None and made:
        stdout.write(f"demo moderation: {made} reason templates and submissions")
    return made
