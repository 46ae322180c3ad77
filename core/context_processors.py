"""Navigation for the base layout, filtered by the user's permissions.

Each app registers its entries with ``core.registry.register_nav`` in ``AppConfig.ready()``.
"""

from core.registry import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"url_name": item.url_name, "label": item.label} for item in nav_items()
             if item.permission is None or user.has_perm(item.permission)]
    return {"nav_items": items}
