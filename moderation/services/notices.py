"""Notices to account holders, delivered to the platform by signed webhook with retries.

Signature: ``X-Qinglang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
with the receiving client's ``webhook_secret``; ``X-Qinglang-Notice-Id`` makes redelivery
idempotent on the platform's side. A failed attempt is retried with backoff
(setting ``webhook_backoff_seconds`` in moderation.conf) by ``retry_due_deliveries``; every attempt is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.jobs import enqueue
from core.models import ApiClient
from moderation import conf
from moderation.choices import DeliveryStatus, MeasureKind, NoticeKind
from moderation.models import Measure, Notice, NoticeDelivery

# In Chinese in notices to account holders; translated on staff screens (marked with gettext_noop).
ARTICLE_TITLES = {
    "7": gettext_noop("第七条（账号信息与真实职业、机构信息相一致）"), "8.1": gettext_noop("第八条第（一）项"), "8.2": gettext_noop("第八条第（二）项（假冒党政军机关、企事业单位、人民团体和社会组织）"),
    "8.3": gettext_noop("第八条第（三）项（假冒国家、国际组织）"), "8.4": gettext_noop("第八条第（四）项（假冒新闻媒体或擅用新闻属性名称）"),
    "8.5": gettext_noop("第八条第（五）项（假冒、恶意关联重要空间地理名称）"), "8.6": gettext_noop("第八条第（六）项（夹带联系方式、二维码或谐音变体）"),
    "8.7": gettext_noop("第八条第（七）项（名不副实、夸大其词）"), "8.8": gettext_noop("第八条第（八）项（法律法规禁止的其他内容）"),
    "10.2": gettext_noop("第十条第二款（从严核验）"), "10.3": gettext_noop("第十条第三款（被关闭账号重新注册）"), "11": gettext_noop("第十一条（专业资质）"),
    "15": gettext_noop("第十五条（动态核验）"), "17": gettext_noop("第十七条（处置措施）"),
}


def article_text(codes) -> str:
    return "；".join(ARTICLE_TITLES.get(c, f"第{c}条") for c in codes)


def _clients():
    return [c for c in ApiClient.objects.filter(is_active=True).exclude(webhook_url="")
            if c.has_scope("notices:read")]


def notice_create(*, kind: str, title: str, body: str, account=None, account_uid: str = "", articles=(),
                  deadline: dt.datetime | None = None, case=None, measure=None, submission=None) -> Notice:
    """Create a notice and schedule its delivery after commit. Called inside the caller's transaction."""
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
    clients = _clients()
    if not clients:
        notice.delivery_status = DeliveryStatus.NOT_CONFIGURED
    notice.save(update_fields=["payload", "delivery_status"])
    for client in clients:
        enqueue("moderation.jobs.deliver_notice", notice.pk, client.pk, queue="high")
    return notice


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
    lines.append("如有异议，可通过平台投诉举报渠道申诉。")
    return notice_create(account=measure.account, kind=NoticeKind.MEASURE_APPLIED, title=f"账号处置通知：{kind_label}",
                         body="\n".join(lines), articles=measure.legal_basis, measure=measure, case=measure.case,
                         deadline=measure.expires_at if measure.kind == MeasureKind.CORRECTION_ORDER else None)


def notice_for_lift(measure: Measure, lift: Measure) -> Notice:
    return notice_create(account=measure.account, kind=NoticeKind.MEASURE_LIFTED,
                         title=f"处置措施解除：{measure.get_kind_display()}",
                         body=f"您的账号的「{measure.get_kind_display()}」措施已解除。说明：{lift.reason}",
                         articles=measure.legal_basis, measure=lift, case=measure.case)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _post(url: str, body: bytes, headers: dict, timeout: float = 5.0) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - configured URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def notice_deliver(*, notice_id: int, client_id: int) -> NoticeDelivery | None:
    """One delivery attempt of a notice to a client's webhook; recorded either way."""
    notice = Notice.objects.filter(pk=notice_id).first()
    client = ApiClient.objects.filter(pk=client_id, is_active=True).first()
    if notice is None or client is None or not client.webhook_url:
        return None
    done = NoticeDelivery.objects.filter(notice=notice, client=client)
    if done.filter(ok=True).exists():
        return None  # already delivered (a retry raced a success)
    attempt = done.count() + 1
    body = json.dumps(notice.payload, ensure_ascii=False, sort_keys=True).encode()
    ts = int(time.time())
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Qinglang-Notice-Id": str(notice.pk),
               "X-Qinglang-Signature": sign(client.webhook_secret, ts, body), "User-Agent": "qinglang-notices/1"}
    started = time.perf_counter()
    status, error = None, ""
    try:
        status = _post(client.webhook_url, body, headers)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:300]
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        delivery = NoticeDelivery.objects.create(
            notice=notice, client=client, attempt=attempt, status_code=status, ok=ok, error=error,
            duration_ms=int((time.perf_counter() - started) * 1000))
        Notice.objects.filter(pk=notice.pk).update(
            delivery_status=DeliveryStatus.DELIVERED if ok else DeliveryStatus.FAILED)
    return delivery


def retry_due_deliveries(now: dt.datetime | None = None) -> int:
    """Re-attempt failed deliveries whose backoff has passed (idempotent sweep)."""
    now = now or timezone.now()
    backoff = conf.get("webhook_backoff_seconds")
    retried = 0
    recent = Notice.objects.filter(Q(delivery_status=DeliveryStatus.FAILED) | Q(delivery_status=DeliveryStatus.PENDING),
                                   created_at__gte=now - dt.timedelta(days=3))
    for notice in recent.order_by("id")[:1000]:
        for client in _clients():
            attempts = list(NoticeDelivery.objects.filter(notice=notice, client=client).order_by("attempt"))
            if any(a.ok for a in attempts):
                continue
            if not attempts:
                if notice.created_at <= now - dt.timedelta(seconds=backoff[0]):
                    notice_deliver(notice_id=notice.pk, client_id=client.pk)
                    retried += 1
                continue
            if len(attempts) > len(backoff):
                continue  # gave up; visible on the case page
            wait = dt.timedelta(seconds=backoff[len(attempts) - 1])
            if attempts[-1].created_at + wait <= now:
                notice_deliver(notice_id=notice.pk, client_id=client.pk)
                retried += 1
    return retried
