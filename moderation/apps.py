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
    "moderation.view_creditpolicy", "moderation.publish_creditpolicy",
    "moderation.overturn_submission",
]
AUDITOR_PERMISSIONS = [
    "moderation.view_reviewcase", "moderation.view_measure", "moderation.view_submission", "moderation.view_notice",
    "moderation.view_casenote", "moderation.view_pauseswitch", "moderation.view_ruleterm",
    "moderation.view_reasontemplate", "moderation.view_creditevent", "moderation.view_creditpolicy",
]


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("审核处置")

    def ready(self):
        from accounts import signals as account_signals
        from core import registry, roles, rules_engine
        from core.webhooks.signals import delivery_changed
        from moderation import demo, events, exports, hooks, signals, webhooks
        from moderation.services import credit, rule_terms
        from moderation.views import credit as credit_views
        from moderation.views import measures as measure_views
        from moderation.views import panels

        registry.register_lookup_hash_fields("moderation.Submission", "identity_hash")
        registry.register_lookup_hash_fields("moderation.BlockedIdentity", "number_hash")
        registry.register_role_permissions(roles.MODERATOR, MODERATOR_PERMISSIONS)
        registry.register_role_permissions(roles.SUPERVISOR, SUPERVISOR_PERMISSIONS)
        registry.register_role_permissions(roles.AUDITOR, AUDITOR_PERMISSIONS)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        exports.register()
        rules_engine.set_extra_terms_provider(rule_terms.current_counter, rule_terms.active_terms)
        registry.register_seed_hook(demo.seed, order=20)

        account_signals.qualification_submitted.connect(
            hooks.on_qualification_submitted, dispatch_uid="moderation.on_qualification_submitted")
        account_signals.rule_version_published.connect(
            hooks.on_rule_version_published, dispatch_uid="moderation.on_rule_version_published")
        account_signals.org_certification_submitted.connect(
            hooks.on_org_certification_submitted, dispatch_uid="moderation.on_org_certification_submitted")

        registry.register_api_scopes({"submissions:write": _("提交注册与信息变更"),
                                      "notices:read": _("拉取处置通知，接收通知、决定与措施事件")})
        registry.register_webhook_events(*webhooks.EVENT_TYPES)
        signals.case_decided.connect(webhooks.on_case_decided, dispatch_uid="moderation.webhooks.case_decided")
        delivery_changed.connect(webhooks.on_delivery_changed, dispatch_uid="moderation.webhooks.delivery_changed")
        # Images of registrations and changes waiting for review.
        registry.register_media_prefix("submissions/", "moderation.view_submission")
        registry.register_nav("moderation:case_list", _("审核工单"), "moderation.view_reviewcase", order=20)
        registry.register_nav("moderation:measure_list", _("处置措施"), "moderation.view_measure", order=30)
        registry.register_nav("moderation:submission_list", _("注册与变更"), "moderation.view_submission", order=35)
        registry.register_nav("moderation:rule_list", _("规则管理"), "moderation.view_ruleterm", order=40)
        registry.register_nav("moderation:pause_list", _("暂停开关"), "moderation.view_pauseswitch", order=50)
        for order, panel in enumerate((panels.open_cases_panel, panels.overdue_cases_panel, panels.my_cases_panel,
                                       panels.pending_approvals_panel), start=20):
            registry.register_dashboard_panel(panel, order=order)
        from moderation import charts

        registry.register_dashboard_panel(charts.overdue_corrections_tile, order=24)
        for fn, order in charts.MODERATION_CHARTS:
            registry.register_dashboard_chart(fn, order=order)
        registry.register_account_panel(measure_views.account_measures_panel, order=20)
        # Art 18: the ledger on the account page; a score falling into a low band proposes a restrict.
        registry.register_account_panel(credit_views.account_credit_panel, order=25)
        registry.register_nav("moderation:credit_policy", _("信用评价"), "moderation.view_creditevent", order=55)
        signals.credit_changed.connect(credit.on_credit_changed, dispatch_uid="moderation.credit_changed")
