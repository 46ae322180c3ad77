from django.contrib import admin

from accounts.models import Account, IdentityVerification, OrgCertification, Qualification
from core.admin import ReadOnlyAdmin


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("uid", "name", "kind", "status", "credit_score")
    search_fields = ("uid",)
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False  # changes go through services (verified, versioned, audited)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdentityVerification)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("account", "method", "masked", "verified_at")
    exclude = ("number_encrypted", "number_hash")
    readonly_fields = ("account", "method", "masked", "details", "org_class", "verified_at")

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Qualification, ReadOnlyAdmin)
admin.site.register(OrgCertification, ReadOnlyAdmin)
