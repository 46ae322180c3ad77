from django import template

from core.events import event_label as _event_label
from core.pii import mask_text

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    return _event_label(code)


@register.filter
def mask_pii(text: str) -> str:
    """Personal numbers in staff-written free text, masked for the screen (core.pii)."""
    return mask_text(text)
