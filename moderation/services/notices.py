"""Notices to account holders (Art 17: the measure, its basis and how to object), for the
platform to pass on: pulled from ``GET /api/v1/notices`` and pushed as ``notice.created``
webhook events (core.webhooks: signed, retried, every attempt recorded; moderation/webhooks.py).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from moderation import signals, webhooks
from moderation.choices import MeasureKind, NoticeKind
from moderation.models import Measure, Notice

# In Chinese in notices to account holders; translated on staff screens (marked with gettext_noop).
ARTICLE_TITLES = {
    "7": gettext_noop("第七条（账号信息与真实职业、机构信息相一致）"), "8.1": gettext_noop("第八条第（一）项"), "8.2": gettext_noop("第八条第（二）项（假冒党政军机关、企事业单位、人民团体和社会组织）"),
    "8.3": gettext_noop("第八条第（三）项（假冒国家、国际组织）"), "8.4": gettext_noop("第八条第（四）项（假冒新闻媒体或擅用新闻属性名称）"),
    "8.5": gettext_noop("第八条第（五）项（假冒、恶意关联重要空间地理名称）"), "8.6": gettext_noop("第八条第（六）项（夹带联系方式、二维码或谐音变体）"),
    "8.7": gettext_noop("第八条第（七）项（名不副实、夸大其词）"), "8.8": gettext_noop("第八条第（八）项（法律法规禁止的其他内容）"),
    "10.2": gettext_noop("第十条第二款（从严核验）"), "10.3": gettext_noop("第十条第三款（被关闭账号重新注册）"), "11": gettext_noop("第十一条（专业资质）"),
    "15": gettext_noop("第十五条（动态核验）"), "17": gettext_noop("第十七条（处置措施）"), "18": gettext_noop("第十八条（信用管理）"),
}


def article_text(codes) -> str:
    return "；".join(ARTICLE_TITLES.get(c, f"第{c}条") for c in codes)


def notice_create(*, kind: str, title: str, body: str, account=None, account_uid: str = "", articles=(),
                  deadline: dt.datetime | None = None, case=None, measure=None, submission=None) -> Notice:
    """Create a notice and its ``notice.created`` event (delivered after commit). Called inside
    the caller's transaction."""
    uid = account.uid if account is not None else account_uid
    notice = Notice.objects.create(
        account=account, account_uid=uid, kind=NoticeKind(kind), title=title, body=body, articles=list(articles),
        deadline=deadline, case=case, measure=measure, submission=submission,
    )
    notice.payload = {
        "id": notice.pk, "kind": notice.kind, "account_uid": uid, "title": title, "body": body,
        "articles": list(articles), "deadline": deadline.isoformat() if deadline else None,
        "case_id": getattr(case, "pk", None), "measure_id": getattr(measure, "pk", None),
        "submission_id": getattr(submission, "pk", None), "created_at": notice.created_at.isoformat(),
    }
    _rules_link(notice)
    _extras(notice)
    webhooks.notice_created(notice)
    notice.save(update_fields=["payload", "body", "delivery_status", "webhook_event"])
    return notice


def _rules_link(notice: Notice) -> None:
    """Art 6: notices link to the account rules in force (the rules the measure or refusal applies)."""
    from django.urls import reverse

    from accounts.rule_documents import in_force

    rules = in_force("account_rules")
    if rules is None or notice.kind == NoticeKind.RULES_CHANGED:
        return
    url = reverse("platform_rules:version", args=["account_rules", rules.version])
    notice.payload["rules"] = {"document": "account_rules", "version": rules.version, "url": url}
    notice.body = f"{notice.body}\n平台账号管理规则（第 {rules.version} 版）：{url}"
    notice.payload["body"] = notice.body


def notices_for_rule_version(*, version_id: int, batch: int = 500) -> int:
    """Tell every account that has not accepted a new rule version requiring acceptance (Art 6);
    accounts already told about this version are skipped, so a rerun adds nothing."""
    from django.db import transaction
    from django.urls import reverse

    from accounts.models import Account, RuleDocumentVersion

    version = RuleDocumentVersion.objects.select_related("document").get(pk=version_id)
    url = reverse("platform_rules:version", args=[version.document.kind, version.version])
    told = Notice.objects.filter(kind=NoticeKind.RULES_CHANGED, payload__rule_version_id=version.pk)
    pending = Account.objects.exclude(rule_acceptances__version=version).exclude(
        uid__in=told.values("account_uid")).order_by("id")
    made = 0
    for account in pending.iterator(chunk_size=batch):
        with transaction.atomic():
            notice = notice_create(
                account=account, kind=NoticeKind.RULES_CHANGED,
                title=f"{version.document.get_kind_display()}已更新（第 {version.version} 版）",
                body=(f"平台{version.document.get_kind_display()}第 {version.version} 版于 "
                      f"{timezone.localtime(version.effective_at):%Y年%m月%d日} 起施行，请在 {version.acceptance_days} 天内阅读并同意。"
                      f"变更说明：{version.summary}\n{url}"))
            notice.payload["rule_version_id"] = version.pk
            notice.save(update_fields=["payload"])
        made += 1
    return made


def _extras(notice: Notice) -> None:
    """What apps above moderation add to a notice (``signals.notice_building``): payload keys and
    body lines, such as the signed link to file an appeal."""
    for _receiver, extra in signals.notice_building.send(sender=Notice, notice=notice):
        if not extra:
            continue
        extra = dict(extra)
        lines = extra.pop("body_lines", ())
        if lines:
            notice.body = "\n".join([notice.body, *lines])
            notice.payload["body"] = notice.body
        notice.payload.update(extra)


def notice_for_measure(measure: Measure) -> Notice:
    kind_label = measure.get_kind_display()
    local = timezone.localtime
    lines = [f"您的账号因违反《互联网用户账号信息管理规定》{article_text(measure.legal_basis)}，平台依据第十七条对其采取「{kind_label}」措施。",
             f"理由：{measure.reason}"]
    if measure.kind == MeasureKind.RESTRICT and measure.functions:
        from moderation.choices import RestrictFunction

        lines.append("受限功能：" + "、".join(str(RestrictFunction(f).label) for f in measure.functions))
    if measure.kind == MeasureKind.CORRECTION_ORDER and measure.expires_at:
        lines.append(f"请于 {local(measure.expires_at):%Y年%m月%d日 %H:%M} 前修改账号信息并提交核验；逾期未改正的，将暂停使用账号。")
    elif measure.expires_at:
        lines.append(f"措施期限至 {local(measure.expires_at):%Y年%m月%d日 %H:%M}。")
    lines.append("如有异议，可在收到本通知后的申诉期限内通过下方申诉入口提出申诉。")
    return notice_create(account=measure.account, kind=NoticeKind.MEASURE_APPLIED, title=f"账号处置通知：{kind_label}",
                         body="\n".join(lines), articles=measure.legal_basis, measure=measure, case=measure.case,
                         deadline=measure.expires_at if measure.kind == MeasureKind.CORRECTION_ORDER else None)


def notice_for_lift(measure: Measure, lift: Measure) -> Notice:
    return notice_create(account=measure.account, kind=NoticeKind.MEASURE_LIFTED,
                         title=f"处置措施解除：{measure.get_kind_display()}",
                         body=f"您的账号的「{measure.get_kind_display()}」措施已解除。说明：{lift.reason}",
                         articles=measure.legal_basis, measure=lift, case=measure.case)
