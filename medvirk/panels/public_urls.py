"""Citizen-facing pages of the panels module (no login)."""

from django.urls import path  # noqa: F401

app_name = "panels_public"
urlpatterns: list = []
