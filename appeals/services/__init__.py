"""Every state change of appeals (申诉): filing (``filing``), the queue and the decision (``review``).

The modules import each other directly, never through this file."""

from appeals.services.filing import AppealInput, appeal_file, appeal_link_token, appeal_token_read
from appeals.services.review import appeal_claim, appeal_claim_next, appeal_decide, appeal_release

__all__ = ["AppealInput", "appeal_claim", "appeal_claim_next", "appeal_decide", "appeal_file", "appeal_link_token",
           "appeal_release", "appeal_token_read"]
