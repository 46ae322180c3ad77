"""Demo data (seed_demo, through the registry's seed hooks): the three published rule documents
(Art 6), the service agreement in two versions so the public pages show a diff. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import RuleDocumentVersion

TEXTS = {
    "account_rules": ("# 账号管理规则\n\n1. 账号名称、头像、简介等账号信息须真实、准确，不得假冒、仿冒他人。\n"
                      "2. 不得在账号信息中夹带联系方式、二维码等引流信息。\n3. 违反本规则的，平台依据第十七条采取处置措施。"),
    "convention": "# 平台公约\n\n- 文明互动，理性表达。\n- 不传播违法和不良信息。\n- 尊重他人合法权益。",
    "service_agreement": ("# 服务协议\n\n## 一、账号注册\n\n用户应当使用真实身份信息注册。\n\n"
                          "## 二、信用管理\n\n平台依据信用评价政策提供相应服务。"),
}


def seed(stdout=None) -> int:
    from accounts.rule_documents import rule_version_draft, rule_version_publish

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None or RuleDocumentVersion.objects.exists():
        return 0
    start = timezone.now() - dt.timedelta(days=60)
    made = 0
    for kind, body in TEXTS.items():
        v = rule_version_draft(actor=supervisor, kind=kind, body=body, summary="首次发布", effective_at=start)
        rule_version_publish(actor=supervisor, version=v)
        made += 1
    v2 = rule_version_draft(actor=supervisor, kind="service_agreement",
                            body=TEXTS["service_agreement"] + "\n\n## 三、申诉\n\n对处置措施有异议的，可在通知后 15 个工作日内申诉。",
                            summary="增加申诉条款", effective_at=timezone.now() - dt.timedelta(days=1),
                            requires_acceptance=True, acceptance_days=30)
    rule_version_publish(actor=supervisor, version=v2)
    if stdout is not None:
        stdout.write(f"demo rules: {made + 1} published versions")
    return made + 1
