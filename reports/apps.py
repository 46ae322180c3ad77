from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_EXPORT = ["reports.add_export", "reports.view_export"]
_READ = ["reports.view_regulatorreport", "reports.view_reportfile"]
PERMISSIONS = {
    "moderator": [*_EXPORT],
    "supervisor": [*_EXPORT, *_READ, "reports.export_identities", "reports.add_regulatorreport",
                   "reports.change_regulatorreport", "reports.approve_report", "reports.submit_report"],
    "auditor": [*_EXPORT, *_READ, "reports.export_identities"],
}


class ReportsConfig(AppConfig):
    """Regulator reports and list exports: the top of the layers. It reads every app below it
    and nothing imports it; it joins the pages through ``core.registry``."""

    name = "reports"
    verbose_name = _("监管报告与导出")

    def ready(self):
        from core import registry
        from reports import events, integrity, panels

        for role, perms in PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_nav("reports:report_list", _("监管报告"), "reports.view_regulatorreport", order=85)
        registry.register_nav("reports:my_exports", _("我的导出"), "reports.view_export", order=95)
        registry.register_dashboard_panel(panels.awaiting_panel, order=60, key="reports.awaiting")
        registry.register_dashboard_panel(panels.overdue_panel, order=61, key="reports.overdue")
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        registry.register_integrity_check("reports", integrity.check)
        registry.register_export_view("reports:export")
