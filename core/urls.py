from django.urls import path

from core import calendar_views, views

app_name = "core"

urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
]
