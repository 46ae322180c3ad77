from django.contrib import admin

from core.models import ApiCall, ApiClient, AuditCheckpoint, AuditEntry, JobRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "lane", "seq", "created_at", "actor_label", "event", "subject_type", "subject_id", "source")
    list_filter = ("source",)
    search_fields = ("event", "actor_label", "subject_id")


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "entries")


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "client", "method", "path", "status", "duration_ms")


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "started_at", "finished_at", "status")


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    """Clients are managed on the back office's client pages or created with ``manage.py
    create_api_client`` (both audited); tokens and secrets are never shown here."""

    list_display = ("name", "token_prefix", "scopes", "is_active", "webhook_url", "last_used_at")
    exclude = ("token_hash", "previous_token_hash", "webhook_secret_encrypted", "previous_webhook_secret_encrypted")
