from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from core import audit_export, events, login_lockout, registry, roles

        registry.register_nav("dashboard", _("工作台"), None, order=0)
        registry.register_nav("core:audit_list", _("审计记录"), "core.view_auditentry", order=900)
        registry.register_nav("core:client_list", _("接口客户端"), "core.manage_apiclient", order=950)
        registry.register_nav("core:staff_list", _("工作人员"), "core.manage_staff", order=960)
        registry.register_nav("core:system_status", _("系统状态"), "core.view_system_status", order=970)
        from core.views_status import status_banner

        registry.register_dashboard_panel(status_banner, order=-100, key="core.status_banner")
        registry.register_webhook_events(registry.WebhookEventType(
            "webhook.test", _("测试事件"), None,
            {"client": "platform", "message": "这是一条测试事件（webhook.test），无需处理。"}))
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        registry.register_role_permissions(roles.SUPERVISOR, ["core.view_auditentry"])
        registry.register_role_permissions(roles.AUDITOR, ["core.view_auditentry", "core.view_apicall", "core.view_jobrun"])
        self._register_calendar(registry, roles)
        audit_export.register()
        login_lockout.connect()
        # Once per migrate (sender=self), after every app's tables and permissions exist.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="core.sync_roles")

    @staticmethod
    def _register_calendar(registry, roles):
        """The working-day calendar (core/calendar_views.py, issue 19): every staff role reads it
        (the 暂定 marks on deadlines link to it); supervisors enter the yearly notice and confirm a
        year. Apps with working-day deadlines register their recompute themselves."""
        read = ["core.view_holiday", "core.view_holidayyear"]
        registry.register_role_permissions(roles.MODERATOR, read)
        registry.register_role_permissions(roles.AUDITOR, read)
        registry.register_role_permissions(roles.SUPERVISOR, [
            *read, "core.add_holiday", "core.change_holiday", "core.delete_holiday", "core.confirm_holidayyear"])
        registry.register_nav("core:calendar", _("节假日与调休"), "core.view_holiday", order=890)
        registry.register_events({
            "holiday_year.confirmed": _("确认全年节假日安排"),
            "holiday_year.reopened": _("节假日安排改动，年份回到暂定"),
            "deadline.recomputed": _("按工作日历重算时限"),
        }, groups={"holiday_year.": _("节假日与调休"), "deadline.": _("时限")})


def _sync_roles(**kwargs):
    from core.roles import sync_roles

    sync_roles()
