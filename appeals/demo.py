"""Demo data (seed_demo, through the registry's seed hooks): one measure with an open appeal, so
the appeal queue and page have something to show. Idempotent: does nothing once an appeal exists."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import Account
from appeals.models import Appeal
from appeals.services.filing import AppealInput, appeal_file
from moderation.services.measures import measure_apply


def seed(stdout=None) -> int:
    moderator = User.objects.filter(username="moderator").first()
    account = Account.objects.filter(uid="demo-000003").first() or Account.objects.order_by("id").first()
    if moderator is None or account is None or Appeal.objects.exists():
        return 0
    with transaction.atomic():
        measure = measure_apply(actor=moderator, account=account, kind="warning", legal_basis=["8.7"],
                                reason="简介夸大其词（演示数据）")
        appeal = appeal_file(actor=None, data=AppealInput(
            uid=account.uid, measure_id=measure.pk, statement="简介所写的是真实经历，附证明材料，请求撤销警示。",
            source="public"))
    if stdout is not None:
        stdout.write(f"demo appeals: measure #{measure.pk} appealed ({appeal.tracking_code})")
    return 1
