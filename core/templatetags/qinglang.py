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
