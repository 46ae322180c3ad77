from django.urls import path

from appeals import public_views, views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="appeal_list"),
    path("claim-next/", views.appeal_claim_next_view, name="appeal_claim_next"),
    path("figures/", views.appeal_figures, name="appeal_figures"),
    path("<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("<int:pk>/claim/", views.appeal_claim_view, name="appeal_claim"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.appeal_evidence, name="appeal_evidence"),
    # public (no login; /appeals/public/ is in settings.PUBLIC_PATH_PREFIXES)
    path("public/<str:token>/", public_views.public_file, name="public_file"),
]
