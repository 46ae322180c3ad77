"""Signals moderation sends for apps above it (complaints feeds back to complainants; rechecks and
appeals follow their cases) without moderation importing them.

Sent inside the deciding service's transaction: a receiver's failure rolls the decision back.
"""

from django.dispatch import Signal

# kwargs: case (the decided ReviewCase), actor
case_decided = Signal()
