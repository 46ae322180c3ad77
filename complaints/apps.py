from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ["complaints.view_complaint", "complaints.view_complaintevidence"]
_SLA_VIEW = ["complaints.view_slapolicy", "complaints.view_slaalert"]

PERMISSIONS = {
    "moderator": [*_VIEW, "complaints.handle_complaint"],
    "supervisor": [
        *_VIEW, *_SLA_VIEW, "complaints.handle_complaint", "complaints.reassign_complaint",
        "complaints.mark_bad_faith", "complaints.view_metrics", "complaints.reveal_contact",
        "complaints.change_slapolicy", "complaints.change_slaalert",
    ],
    "auditor": [*_VIEW, *_SLA_VIEW, "complaints.view_metrics"],
}


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉举报")

    def ready(self):
        from complaints import demo, events, exports, panels, receivers, webhooks
        from complaints.services import recompute
        from core import registry
        from core.webhooks.signals import delivery_changed
        from moderation import signals as moderation_signals

        exports.register()
        registry.register_lookup_hash_fields("complaints.Complaint", "contact_hash", "reporter_ip_hash")
        registry.register_lookup_hash_fields("complaints.ReporterFlag", "key_hash")
        for role, perms in PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        registry.register_api_scopes({"complaints:write": _("转交投诉举报，接收处理结果反馈")})
        registry.register_webhook_events(*webhooks.EVENT_TYPES)
        delivery_changed.connect(webhooks.on_delivery_changed, dispatch_uid="complaints.webhooks.delivery_changed")
        # Evidence files (complaints/evidence/…) register no media prefix: they are served only by
        # the complaint's own permission-checked evidence view.
        registry.register_nav("complaints:complaint_list", _("投诉举报"), "complaints.view_complaint", order=60)
        registry.register_nav("complaints:metrics", _("投诉统计"), "complaints.view_metrics", order=70)
        registry.register_nav("complaints:policies", _("时限与日历"), "complaints.view_slapolicy", order=80)
        for order, panel in enumerate((panels.overdue_panel, panels.due_soon_panel, panels.alerts_panel), start=60):
            registry.register_dashboard_panel(panel, order=order)
        from complaints import charts

        registry.register_dashboard_chart(charts.received_closed, order=60)
        registry.register_dashboard_chart(charts.on_time_by_category, order=61)
        registry.register_seed_hook(demo.seed, order=60)
        registry.register_deadline_recomputer("complaints", recompute.complaint_deadlines_recompute)
        registry.register_case_panel(panels.case_complaints_panel, order=60)
        registry.register_case_panel(panels.case_complainants_panel, order=10)
        registry.register_account_panel(panels.account_complaints_panel, order=60)
        # Art 19 反馈: complaints linked to a review case get their feedback when it is decided.
        moderation_signals.case_decided.connect(receivers.on_case_decided, dispatch_uid="complaints.on_case_decided")
