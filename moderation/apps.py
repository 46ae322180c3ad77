from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MODERATOR_PERMISSIONS = [
    "moderation.view_reviewcase", "moderation.decide_case", "moderation.view_measure", "moderation.add_measure",
    "moderation.view_submission", "moderation.view_notice", "moderation.view_casenote", "moderation.add_casenote",
    "moderation.view_reasontemplate", "moderation.view_pauseswitch", "moderation.view_ruleterm",
]
SUPERVISOR_PERMISSIONS = [
    *MODERATOR_PERMISSIONS, "moderation.decide_strict_case", "moderation.reassign_case", "moderation.approve_measure",
    "moderation.manage_pause", "moderation.add_pauseswitch", "moderation.add_ruleterm", "moderation.change_ruleterm",
    "moderation.add_reasontemplate", "moderation.change_reasontemplate", "moderation.view_creditevent",
]
AUDITOR_PERMISSIONS = [
    "moderation.view_reviewcase", "moderation.view_measure", "moderation.view_submission", "moderation.view_notice",
    "moderation.view_casenote", "moderation.view_pauseswitch", "moderation.view_ruleterm",
    "moderation.view_reasontemplate", "moderation.view_creditevent",
]


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("审核处置")

    def ready(self):
        from accounts.management.commands.seed_demo import register_post_seed_hook
        from core import roles, rules_engine
        from moderation import demo
        from moderation.services import rule_terms

        roles.extend_role(roles.MODERATOR, MODERATOR_PERMISSIONS)
        roles.extend_role(roles.SUPERVISOR, SUPERVISOR_PERMISSIONS)
        roles.extend_role(roles.AUDITOR, AUDITOR_PERMISSIONS)
        rules_engine.set_extra_terms_provider(rule_terms.current_counter, rule_terms.active_terms)
        register_post_seed_hook(demo.seed)

        from accounts import services as account_services
        from moderation import hooks

        if hooks.on_qualification_submitted not in account_services.qualification_submitted_listeners:
            account_services.qualification_submitted_listeners.append(hooks.on_qualification_submitted)
            account_services.org_certification_submitted_listeners.append(hooks.on_org_certification_submitted)

        from accounts import views as account_views
        from core.context_processors import register_nav
        from core.views import register_dashboard_panel
        from moderation.views import measures as measure_views
        from moderation.views import panels

        register_nav("moderation:case_list", _("审核工单"), "moderation.view_reviewcase")
        register_nav("moderation:measure_list", _("处置措施"), "moderation.view_measure")
        register_nav("moderation:rule_list", _("规则管理"), "moderation.view_ruleterm")
        register_nav("moderation:pause_list", _("暂停开关"), "moderation.view_pauseswitch")
        for panel in (panels.open_cases_panel, panels.overdue_cases_panel, panels.my_cases_panel,
                      panels.pending_approvals_panel):
            register_dashboard_panel(panel)
        if measure_views.account_measures_panel not in account_views.account_panels:
            account_views.account_panels.append(measure_views.account_measures_panel)
