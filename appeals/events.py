"""What appeals' audit event codes mean, in words staff read (registered in ``AppConfig.ready()``)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "appeal.filed": _("提出申诉"),
    "appeal.claimed": _("领取申诉"),
    "appeal.released": _("释放申诉"),
    "appeal.decided": _("申诉复核决定"),
}

EVENT_GROUPS = {"appeal.": _("申诉")}
