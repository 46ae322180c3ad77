"""Signals the account registry sends for apps above it (moderation opens review cases).

Sent inside the submitting service's transaction, so a receiver's failure rolls the submission
back: a qualification must never be recorded without the review it needs (Art 11).
"""

from django.dispatch import Signal

# kwargs: actor, obj (the Qualification)
qualification_submitted = Signal()
# kwargs: actor, obj (the OrgCertification)
org_certification_submitted = Signal()

# kwargs: version (a RuleDocumentVersion just published), actor. Sent inside the transaction.
rule_version_published = Signal()
# kwargs: actor, account, source, changed (field names): verified information was applied
# (rechecks lifts an Art 15 suspension when the correction passes).
account_info_applied = Signal()
# kwargs: run (the finished ImportRun): rechecks starts a recheck of the imported accounts.
import_finished = Signal()
