"""Signals moderation sends for apps above it (complaints feeds back to complainants; rechecks and
appeals follow their cases) without moderation importing them.

Sent inside the deciding service's transaction: a receiver's failure rolls the decision back.
"""

from django.dispatch import Signal

# kwargs: case (the decided ReviewCase), actor
case_decided = Signal()

# kwargs: notice (a Notice being created, saved, its payload not yet written). A receiver returns
# a dict of extra payload keys (e.g. appeals' signed link) and may include "body_lines", lines
# appended to the notice's body. Apps above moderation use it to add to notices without
# moderation importing them.
notice_building = Signal()

# kwargs: account, before, after (scores), event (the CreditEvent), actor. Sent inside the
# transaction that moved the score; services/credit.py applies the band's consequences.
credit_changed = Signal()
