"""What the account registry's audit event codes mean, in words staff read (the code stays the stable key).

Registered with ``core.registry`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "account.created": _("账号注册"),
    "account.info_applied": _("账号信息变更生效"),
    "account.ip_location_changed": _("IP属地变化"),
    "account.status_changed": _("账号状态变化"),
    "accounts.imported": _("批量导入账号"),
    "accounts.seeded": _("生成演示账号"),
    "identity.revealed": _("查看完整证件号码"),
    "identity.verified": _("实名认证"),
    "org_certification.decided": _("机构认证决定"),
    "org_certification.submitted": _("提交机构认证"),
    "org_certification.revoked": _("撤销机构认证"),
    "org_certification.emailed": _("发送机构认证结果邮件"),
    "qualification.decided": _("资质认证决定"),
    "qualification.submitted": _("提交资质认证"),
    "rule.accepted": _("同意平台规则"),
    "rule_version.drafted": _("编写平台规则草稿"),
    "rule_version.edited": _("修改平台规则草稿"),
    "rule_version.published": _("发布平台规则"),
}

# Prefixes the audit log offers as "every event of a kind".
EVENT_GROUPS = {
    "account.": _("账号"),
    "identity.": _("实名认证"),
    "qualification.": _("资质认证"),
    "org_certification.": _("机构认证"),
    "accounts.": _("批量导入与演示数据"),
    "rule": _("平台规则"),
}
