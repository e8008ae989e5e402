"""Citizen-facing pages of the partners module (no login)."""

from django.urls import path

from . import views_public

app_name = "partners_public"
urlpatterns = [
    path("<slug:slug>/", views_public.find, name="find"),
    path("<slug:slug>/<int:organisation_id>/", views_public.detail, name="detail"),
    path("<slug:slug>/propose/", views_public.propose, name="propose"),
    path("<slug:slug>/propose/thanks/", views_public.thanks, name="thanks"),
]
