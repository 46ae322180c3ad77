from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VIEW = ["rechecks.view_recheckrun", "rechecks.view_recheckresult", "rechecks.view_recheckcorrection",
        "rechecks.view_recheckarticlepolicy"]
PERMISSIONS = {
    "moderator": VIEW,
    "supervisor": [*VIEW, "rechecks.manage_recheckrun", "rechecks.change_recheckarticlepolicy"],
    "auditor": VIEW,
}


class RechecksConfig(AppConfig):
    name = "rechecks"
    verbose_name = _("动态核验")

    def ready(self):
        from accounts import signals as account_signals
        from core import registry
        from moderation import signals as moderation_signals
        from rechecks import events, panels, receivers

        for role, perms in PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        registry.register_nav("rechecks:run_list", _("动态核验"), "rechecks.view_recheckrun", order=38)
        registry.register_account_panel(panels.account_recheck_panel, order=40)
        moderation_signals.case_decided.connect(receivers.on_case_decided, dispatch_uid="rechecks.on_case_decided")
        account_signals.account_info_applied.connect(receivers.on_info_applied,
                                                     dispatch_uid="rechecks.on_info_applied")
        account_signals.import_finished.connect(receivers.on_import_finished,
                                                dispatch_uid="rechecks.on_import_finished")
