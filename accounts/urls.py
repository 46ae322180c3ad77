from django.urls import path

from accounts import rule_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account_list"),
    path("identities/<int:pk>/reveal/", views.identity_reveal, name="identity_reveal"),
    path("rules/", rule_views.manage, name="rules_manage"),
    path("rules/<int:pk>/", rule_views.version_detail, name="rules_version"),
    path("org-certifications/<int:pk>/revoke/", views.org_certification_revoke, name="org_certification_revoke"),
    path("<str:uid>/", views.account_detail, name="account_detail"),
]
