"""The operators' pages (superusers running an installation for several municipalities)."""

from django.urls import path

from . import operator_views

app_name = "operator"
urlpatterns = [
    path("", operator_views.municipalities, name="municipalities"),
    path("new/", operator_views.municipality_start, name="municipality_start"),
    path("id-porten/", operator_views.id_porten, name="id_porten"),
]
