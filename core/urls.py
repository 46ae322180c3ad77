from django.urls import path

from core import calendar_views, views, views_clients, views_staff, views_status

app_name = "core"

urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
    path("clients/", views_clients.client_list, name="client_list"),
    path("clients/new/", views_clients.client_new, name="client_new"),
    path("clients/<int:pk>/", views_clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views_clients.client_edit, name="client_edit"),
    path("clients/<int:pk>/token/rotate/", views_clients.client_token_rotate, name="client_token_rotate"),
    path("clients/<int:pk>/token/revoke/", views_clients.client_token_revoke, name="client_token_revoke"),
    path("clients/<int:pk>/secret/rotate/", views_clients.client_secret_rotate, name="client_secret_rotate"),
    path("clients/<int:pk>/toggle/", views_clients.client_toggle, name="client_toggle"),
    path("clients/<int:pk>/test/", views_clients.client_test, name="client_test"),
    path("system/", views_status.system_status, name="system_status"),
    path("staff/", views_staff.staff_list, name="staff_list"),
    path("staff/new/", views_staff.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/toggle/", views_staff.staff_toggle, name="staff_toggle"),
    path("staff/<int:pk>/password-link/", views_staff.staff_password_link, name="staff_password_link"),
    path("staff/password/<uidb64>/<token>/", views_staff.StaffPasswordSetView.as_view(), name="staff_password_set"),
    path("deliveries/<int:pk>/redeliver/", views_clients.delivery_redeliver, name="delivery_redeliver"),
]
