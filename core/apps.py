from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from core import events, registry, roles

        registry.register_nav("dashboard", _("工作台"), None, order=0)
        registry.register_nav("core:audit_list", _("审计记录"), "core.view_auditentry", order=900)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        calendar = ["core.view_holiday"]
        registry.register_role_permissions(roles.SUPERVISOR, [
            "core.view_auditentry", *calendar, "core.add_holiday", "core.change_holiday", "core.delete_holiday"])
        registry.register_role_permissions(roles.AUDITOR, [
            "core.view_auditentry", "core.view_apicall", "core.view_jobrun", *calendar])
        # Once per migrate (sender=self), after every app's tables and permissions exist.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="core.sync_roles")


def _sync_roles(**kwargs):
    from core.roles import sync_roles

    sync_roles()
