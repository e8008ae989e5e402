from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("access/", views.roles, name="roles"),
    path("access/grant/", views.role_grant, name="role_grant"),
    path("access/<int:role_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("access/users/new/", views.user_create, name="user_create"),
    path("audit/", views.audit, name="audit"),
    path("settings/public-pages/", views.branding, name="branding"),
]
