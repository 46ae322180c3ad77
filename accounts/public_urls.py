"""Public pages of the platform rules (Art 6); /platform-rules/ is in settings.PUBLIC_PATH_PREFIXES."""

from django.urls import path

from accounts import rule_views

app_name = "platform_rules"

urlpatterns = [
    path("", rule_views.public_index, name="index"),
    path("<str:kind>/", rule_views.public_document, name="document"),
    path("<str:kind>/v<int:version>/", rule_views.public_document, name="version"),
]
