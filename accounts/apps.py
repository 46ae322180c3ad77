from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACCOUNT_VIEW = [
    "accounts.view_account", "accounts.view_accountinfoversion", "accounts.view_identityverification",
    "accounts.view_qualification", "accounts.view_orgcertification",
]
RULES_VIEW = ["accounts.view_ruledocumentversion", "accounts.view_ruleacceptance"]
PERMISSIONS = {
    "moderator": ACCOUNT_VIEW,
    "supervisor": [*ACCOUNT_VIEW, *RULES_VIEW, "accounts.reveal_identity", "accounts.change_qualification",
                   "accounts.change_orgcertification", "accounts.publish_ruledocumentversion"],
    "auditor": [*ACCOUNT_VIEW, *RULES_VIEW],
}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号")

    def ready(self):
        from accounts import demo_rules, events, exports, panels, rule_views
        from core import registry

        registry.register_lookup_hash_fields("accounts.IdentityVerification", "number_hash")
        registry.register_nav("accounts:account_list", _("账号"), "accounts.view_account", order=10)
        registry.register_events(events.EVENT_LABELS, events.EVENT_GROUPS)
        for role, perms in PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_api_scopes({"accounts:read": _("读取账号与公开信息"),
                                      "accounts:write": _("上报活动 IP、提交资质与机构认证")})
        # Avatars and covers (Art 23) and qualification evidence (Art 11): staff who see accounts.
        registry.register_media_prefix("images/", "accounts.view_account")
        registry.register_media_prefix("evidence/", "accounts.view_qualification")
        registry.register_dashboard_panel(panels.account_count_panel, order=10)
        registry.register_dashboard_panel(panels.pending_qualifications_panel, order=11)
        registry.register_dashboard_panel(panels.pending_certifications_panel, order=12)
        registry.register_dashboard_panel(panels.art13_gaps_panel, order=13)
        exports.register()
        # Art 6: published rules and who accepted them.
        registry.register_nav("accounts:rules_manage", _("平台规则"), "accounts.view_ruledocumentversion", order=90)
        registry.register_account_panel(rule_views.account_rules_panel, order=15)
        registry.register_seed_hook(demo_rules.seed, order=15)
