from django.urls import include, path

from . import invitation_views, password_views, privacy_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor"),
    path("accounts/password/reset/", password_views.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", password_views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/password/set/<uidb64>/<token>/", password_views.password_set, name="password_set"),
    path("accounts/password/done/", password_views.password_reset_complete, name="password_reset_complete"),
    path("accounts/password/change/", password_views.password_change, name="password_change"),
    path("accounts/password/change/done/", password_views.password_change_done, name="password_change_done"),
    path("settings/single-sign-on/", views.single_sign_on, name="single_sign_on"),
    path("settings/id-porten/", views.id_porten, name="id_porten"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("access/", views.roles, name="roles"),
    path("access/grant/", views.role_grant, name="role_grant"),
    path("access/<int:role_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("access/users/new/", views.user_create, name="user_create"),
    path("access/invitations/<int:user_id>/resend/", invitation_views.resend, name="invitation_resend"),
    path("access/invitations/<int:user_id>/revoke/", invitation_views.revoke, name="invitation_revoke"),
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

# django-allauth's OpenID Connect login and callback, one per municipality (provider_id = its slug):
# /accounts/sso/<slug>/login/ and /accounts/sso/<slug>/login/callback/ (names openid_connect_login
# and openid_connect_callback, outside this namespace, as allauth reverses them).
sso_urlpatterns = [path("accounts/sso/", include("allauth.socialaccount.providers.openid_connect.urls"))]
