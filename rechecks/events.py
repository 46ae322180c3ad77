"""What the rechecks app's audit event codes mean (registered with core.registry)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "recheck.started": _("发起动态核验"),
    "recheck.paused": _("暂停动态核验"),
    "recheck.resumed": _("继续动态核验"),
    "recheck.cancelled": _("取消动态核验"),
    "recheck.finished": _("动态核验完成"),
    "recheck.failed": _("动态核验失败"),
    "recheck.chunk_failed": _("动态核验分块失败"),
    "recheck.suspended": _("动态核验立即暂停账号"),
    "recheck.correction_opened": _("动态核验：限期改正开始"),
    "recheck.corrected": _("动态核验：已改正，暂停解除"),
    "recheck.correction_overdue": _("动态核验：逾期未改正，提请关闭"),
    "recheck.policy_saved": _("保存动态核验条款设置"),
}

EVENT_GROUPS = {"recheck.": _("动态核验")}
