"""Audit event words: ``event_label`` for templates, and core's own event codes.

Each app declares the words for its event codes (``<app>/events.py``) and registers them with
``core.registry`` in ``AppConfig.ready()``; the code stays the stable key in records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.registry import registry

EVENT_LABELS = {
    "api_client.created": _("创建接口客户端"),
    "api_client.updated": _("修改接口客户端"),
    "api_client.token_rotated": _("轮换接口令牌"),
    "api_client.token_revoked": _("吊销接口令牌"),
    "api_client.secret_rotated": _("轮换回调签名密钥"),
    "api_client.disabled": _("停用接口客户端"),
    "api_client.enabled": _("启用接口客户端"),
    "api_client.test_sent": _("发送测试事件"),
    "api_client.redelivered": _("重新投递回调事件"),
    "auth.locked_out": _("登录失败过多，暂时锁定"),
    "holiday.deleted": _("删除节假日"),
    "lookup_key.rotated": _("轮换查询哈希密钥"),
    "holiday.set": _("设置节假日"),
    "staff.created": _("创建工作人员账号"),
    "staff.roles_changed": _("变更工作人员角色"),
    "staff.deactivated": _("停用工作人员账号"),
    "staff.reactivated": _("重新启用工作人员账号"),
    "staff.password_link_issued": _("生成设置密码的链接"),
    "staff.password_set": _("工作人员设置密码"),
}

EVENT_GROUPS = {
    "api_client.": _("接口客户端"),
    "auth.": _("登录"),
    "holiday.": _("节假日"),
    "staff.": _("工作人员"),
    "lookup_key.": _("密钥"),
}


def event_label(code: str) -> str:
    """The words for an event code; an unknown code (say, from a newer version) shows as itself."""
    return str(registry.event_labels.get(code, code))
