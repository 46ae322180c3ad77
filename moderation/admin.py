from django.contrib import admin

from core.admin import ReadOnlyAdmin as ReadOnly
from moderation.models import Measure, Notice, ReasonTemplate, ReviewCase, RuleTerm, Submission


@admin.register(Submission)
class SubmissionAdmin(ReadOnly):
    list_display = ("id", "kind", "uid", "decision", "status", "created_at")
    exclude = ("identity_encrypted", "identity_hash")


@admin.register(ReviewCase)
class ReviewCaseAdmin(ReadOnly):
    list_display = ("id", "reason", "subject_uid", "status", "due_at", "assignee")


@admin.register(Measure)
class MeasureAdmin(ReadOnly):
    list_display = ("id", "action", "kind", "account", "state", "created_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("id", "kind", "account_uid", "delivery_status", "created_at")


admin.site.register(ReasonTemplate)
admin.site.register(RuleTerm, ReadOnly)
