"""Outbound webhooks for every app: one mechanism, the Standard Webhooks scheme.

An app declares its event types (``core.registry.register_webhook_events``) and calls
``webhook_send(type, data)`` inside the transaction of the change the event reports; core stores
the event, delivers it to each receiving client (signed, retried on ``WEBHOOK_RETRY_SECONDS``,
every attempt recorded) and sends ``signals.delivery_changed`` as a delivery moves on.
"""

from core.webhooks.delivery import delivery_attempt, receivers, webhook_send

__all__ = ["delivery_attempt", "receivers", "webhook_send"]
