"""Appeal statuses, outcomes and their allowed transitions (申诉)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealStatus(models.TextChoices):
    OPEN = "open", _("待领取")
    CLAIMED = "claimed", _("复核中")
    DECIDED = "decided", _("已决定")


OPEN_APPEAL_STATUSES = (AppealStatus.OPEN, AppealStatus.CLAIMED)

APPEAL_TRANSITIONS = {
    AppealStatus.OPEN: {AppealStatus.CLAIMED, AppealStatus.DECIDED},
    AppealStatus.CLAIMED: {AppealStatus.OPEN, AppealStatus.CLAIMED, AppealStatus.DECIDED},
    AppealStatus.DECIDED: set(),
}


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    LIFTED = "lifted", _("撤销")
    CHANGED = "changed", _("变更为较轻措施")


OVERTURNED = (AppealOutcome.LIFTED, AppealOutcome.CHANGED)


class AppealSource(models.TextChoices):
    API = "api", _("平台接口")
    PUBLIC = "public", _("通知中的申诉链接")
