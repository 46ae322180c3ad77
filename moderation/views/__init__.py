"""Moderation pages: queues and the case page, measures, pause switches and rules management.

``case_panels`` is the hook list of the case page: a higher app (complaints) appends
``fn(request, case) -> dict(template=..., title=..., …) | None`` and its panel is included in the
account-history column, without moderation importing it.
"""

case_panels: list = []


def register_case_panel(fn) -> None:
    if fn not in case_panels:
        case_panels.append(fn)
