"""Read-only admin: reports change only through their services (audited, four eyes)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reports.models import Export, RegulatorReport, ReportFile


@admin.register(RegulatorReport)
class RegulatorReportAdmin(ReadOnlyAdmin):
    list_display = ("number", "version", "kind", "status", "title", "approved_by", "submission_date")
    list_filter = ("kind", "status")
    search_fields = ("number", "title")


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    list_display = ("report", "format", "sha256", "size", "created_at")


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ("id", "key", "format", "status", "requested_by_label", "rows", "created_at", "expires_at")
    list_filter = ("key", "status", "format")
