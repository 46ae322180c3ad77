"""Moderation pages: queues and the case page, measures, pause switches and rules management.

The case page includes the panels other apps register with ``core.registry.register_case_panel``
(``fn(request, case) -> dict(template=..., title=..., …) | None``), without moderation importing them.
"""
