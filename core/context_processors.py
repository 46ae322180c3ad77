"""Navigation for the base layout, filtered by the user's permissions."""

from django.utils.translation import gettext_lazy as _

NAV = [
    ("dashboard", _("工作台"), None),
    ("accounts:account_list", _("账号"), "accounts.view_account"),
    ("core:audit_list", _("审计记录"), "core.view_auditentry"),
]

_extra: list[tuple[str, object, str | None]] = []


def register_nav(url_name: str, label, permission: str | None) -> None:
    """Higher apps (moderation, complaints) add their pages here without core importing them."""
    if all(item[0] != url_name for item in _extra):
        _extra.append((url_name, label, permission))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url_name": name, "label": label}
        for name, label, perm in [*NAV, *_extra]
        if perm is None or user.has_perm(perm)
    ]
    return {"nav_items": items}
