"""Read-only admin views: every change goes through the services (and their audit entries)."""

from django.contrib import admin

from complaints.models import Complaint, SlaPolicy
from core.admin import ReadOnlyAdmin


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "category", "status", "target_key", "next_due_at", "assignee")
    list_filter = ("status", "category", "source")
    exclude = ("contact_encrypted", "contact_hash", "reporter_ip_hash")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = ("category", "accept_days", "feedback_days", "updated_at")
