from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ["complaints.view_complaint", "complaints.view_complaintevidence"]
_SLA_VIEW = ["complaints.view_slapolicy", "complaints.view_slaalert", "core.view_holiday"]

PERMISSIONS = {
    "moderator": [*_VIEW, "complaints.handle_complaint"],
    "supervisor": [
        *_VIEW, *_SLA_VIEW, "complaints.handle_complaint", "complaints.reassign_complaint",
        "complaints.mark_bad_faith", "complaints.view_metrics", "complaints.reveal_contact",
        "complaints.change_slapolicy", "complaints.change_slaalert",
        "core.add_holiday", "core.change_holiday", "core.delete_holiday",
    ],
    "auditor": [*_VIEW, *_SLA_VIEW, "complaints.view_metrics"],
}


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉举报")

    def ready(self):
        from accounts.management.commands.seed_demo import register_post_seed_hook
        from complaints import demo, panels
        from core import roles
        from core.context_processors import register_nav
        from core.views import register_dashboard_panel

        for role, perms in PERMISSIONS.items():
            roles.extend_role(role, perms)
        register_nav("complaints:complaint_list", _("投诉举报"), "complaints.view_complaint")
        register_nav("complaints:metrics", _("投诉统计"), "complaints.view_metrics")
        register_nav("complaints:policies", _("时限与日历"), "complaints.view_slapolicy")
        register_dashboard_panel(panels.overdue_panel)
        register_dashboard_panel(panels.due_soon_panel)
        register_dashboard_panel(panels.alerts_panel)
        register_post_seed_hook(demo.seed)
        self._subscribe_to_moderation()

        from accounts.views import account_panels
        from moderation.views import register_case_panel

        register_case_panel(panels.case_complaints_panel)
        if panels.account_complaints_panel not in account_panels:
            account_panels.append(panels.account_complaints_panel)

    @staticmethod
    def _subscribe_to_moderation():
        """moderation calls its ``case_decided_listeners`` when a review case is decided; the
        complaints linked to that case then get their feedback (Art 19: 反馈)."""
        from django.apps import apps

        if not apps.is_installed("moderation"):
            return
        try:
            from moderation.services import cases
        except ImportError:
            return
        from complaints.services import complaint_case_decided

        listeners = getattr(cases, "case_decided_listeners", None)
        if listeners is not None and complaint_case_decided not in listeners:
            listeners.append(complaint_case_decided)
