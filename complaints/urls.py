from django.urls import path
from django.views.generic import RedirectView

from complaints import public_views, views

app_name = "complaints"

urlpatterns = [
    # public (no login; /complaints/public/ is in settings.PUBLIC_PATH_PREFIXES)
    path("public/", public_views.public_form, name="public_form"),
    path("public/status/", public_views.public_status, name="public_status"),
    path("public/process/", public_views.public_process, name="public_process"),
    # staff
    path("", views.ComplaintListView.as_view(), name="complaint_list"),
    path("claim-next/", views.claim_next, name="claim_next"),
    path("metrics/", views.metrics, name="metrics"),
    path("policies/", views.policies, name="policies"),
    # the holiday calendar moved to core (every app's deadlines use it); old links still work
    path("calendar/", RedirectView.as_view(pattern_name="core:calendar", query_string=True, permanent=True),
         name="calendar"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/ack/", views.alert_acknowledge, name="alert_acknowledge"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/contact/", views.contact_reveal, name="contact_reveal"),
    path("<int:pk>/evidence/<int:eid>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/<slug:action>/", views.complaint_action, name="complaint_action"),
]
