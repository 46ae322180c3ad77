"""Signals core sends about webhook deliveries, for the apps above it that keep their own view of
a delivery (a notice's delivery status, a complaint notice's sent/failed state).

Sent inside the transaction that records the change: a receiver updates its rows atomically
with the delivery.
"""

from django.dispatch import Signal

# kwargs: delivery (a WebhookDelivery with its event loaded)
delivery_changed = Signal()
