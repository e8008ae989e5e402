"""Citizen-facing pages of the participation module (no login)."""

from django.urls import path

from . import public_views

app_name = "participation_public"
urlpatterns = [
    path("<slug:slug>/", public_views.municipality_page, name="municipality"),
    path("<slug:slug>/feed/", public_views.MunicipalityFeed(), name="feed"),
    path("<slug:slug>/units/<int:unit_id>/", public_views.unit_page, name="unit"),
]
