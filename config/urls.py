from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from config.api import api, api_not_found
from core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("media/<path:path>", core_views.media, name="media"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("platform-rules/", include("accounts.public_urls")),
    path("rechecks/", include("rechecks.urls")),
    path("records/", include("core.urls")),
    path("complaints/public/captcha/", include("captcha.urls")),
    path("complaints/", include("complaints.urls")),
    path("moderation/", include("moderation.urls")),
    path("appeals/", include("appeals.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),  # JSON, not the HTML 404 page
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
