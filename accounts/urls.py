from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account_list"),
    path("identities/<int:pk>/reveal/", views.identity_reveal, name="identity_reveal"),
    path("<str:uid>/", views.account_detail, name="account_detail"),
]
