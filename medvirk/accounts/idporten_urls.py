"""ID-porten for citizens (``idporten_views``): /id-porten/…"""

from django.urls import path

from . import idporten_views

app_name = "idporten"
urlpatterns = [
    path("id-porten/login/", idporten_views.login, name="login"),
    path("id-porten/callback/<str:provider_id>/", idporten_views.callback, name="callback"),
    path("id-porten/logout/", idporten_views.logout, name="logout"),
    path("id-porten/logged-out/", idporten_views.logged_out, name="logged_out"),
]
