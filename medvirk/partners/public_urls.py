"""Citizen-facing pages of the partners module (no login)."""

from django.urls import path  # noqa: F401

app_name = "partners_public"
urlpatterns: list = []
