from django.urls import path

from . import privacy_views, views

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
    path("settings/data-protection/", privacy_views.data_protection, name="data_protection"),
    path("settings/data-protection/record/", privacy_views.processing_record, name="processing_record"),
    path(
        "settings/data-protection/record.csv",
        privacy_views.processing_record_csv,
        name="processing_record_csv",
    ),
]
