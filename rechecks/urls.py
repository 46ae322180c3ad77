from django.urls import path

from rechecks import views

app_name = "rechecks"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/<str:action>/", views.run_action, name="run_action"),
    path("policy/", views.policy_save, name="policy_save"),
    path("impact/", views.impact, name="impact"),
]
