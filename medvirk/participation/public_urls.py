"""Citizen-facing pages of the participation module (no login)."""

from django.urls import path  # noqa: F401

app_name = "participation_public"
urlpatterns: list = []
