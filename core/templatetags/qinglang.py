from django import template

from core.events import event_label as _event_label
from core.pii import mask_text
from core.roles import ROLE_LABELS

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    return _event_label(code)


@register.filter
def mask_pii(text: str) -> str:
    """Personal numbers in staff-written free text, masked for the screen (core.pii)."""
    return mask_text(text)


@register.filter
def role_label(group_name: str) -> str:
    """A staff group's name in words (审核员, 审核主管 …); other groups as they are named."""
    return str(ROLE_LABELS.get(group_name, group_name))


@register.filter
def webhook_event_label(event_type: str) -> str:
    """A webhook event type in words (registered by the app that sends it); unknown ones as themselves."""
    from core.registry import registry

    spec = registry.webhook_events.get(event_type)
    return str(spec.label) if spec else event_type


@register.filter
def webhook_error(code: str) -> str:
    """A delivery attempt's error key (``timeout``, ``http_status`` …) in words."""
    from core.webhooks.outbound import ERROR_WORDS

    return str(ERROR_WORDS.get(code, code)) if code else ""
