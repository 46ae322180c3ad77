"""Audit event words: ``event_label`` for templates, and core's own event codes.

Each app declares the words for its event codes (``<app>/events.py``) and registers them with
``core.registry`` in ``AppConfig.ready()``; the code stays the stable key in records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.registry import registry

EVENT_LABELS = {
    "api_client.created": _("创建接口客户端"),
    "holiday.deleted": _("删除节假日"),
    "holiday.set": _("设置节假日"),
}

EVENT_GROUPS = {
    "api_client.": _("接口客户端"),
    "holiday.": _("节假日"),
}


def event_label(code: str) -> str:
    """The words for an event code; an unknown code (say, from a newer version) shows as itself."""
    return str(registry.event_labels.get(code, code))
