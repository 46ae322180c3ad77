from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    # Moderators see the appeals against their decisions (case panel, appeal page); they never decide.
    "moderator": ["appeals.view_appeal"],
    "supervisor": ["appeals.view_appeal", "appeals.decide_appeal", "appeals.view_figures",
                   "appeals.view_appealevidence"],
    "auditor": ["appeals.view_appeal", "appeals.view_figures", "appeals.view_appealevidence"],
}


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("申诉")

    def ready(self):
        from appeals import demo, events, receivers, views
        from core import registry
        from moderation import signals as moderation_signals

        for role, perms in PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        registry.register_api_scopes({"appeals:write": _("提交账号持有人的申诉，查询申诉结果")})
        registry.register_nav("appeals:appeal_list", _("申诉"), "appeals.view_appeal", order=36)
        registry.register_case_panel(views.case_appeals_panel, order=50)
        registry.register_seed_hook(demo.seed, order=45)
        moderation_signals.notice_building.connect(receivers.on_notice_building,
                                                   dispatch_uid="appeals.on_notice_building")
