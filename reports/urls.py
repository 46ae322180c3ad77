from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_new, name="report_new"),
    path("measures/", views.awaiting_measures, name="awaiting_measures"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/request-approval/", views.report_request_approval, name="report_request_approval"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="report_download"),
    path("<int:pk>/print/", views.report_print, name="report_print"),
    path("exports/", views.my_exports, name="my_exports"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("export/<str:key>/", views.export_list_view, name="export"),
]
