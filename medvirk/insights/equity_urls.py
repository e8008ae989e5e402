"""URLs of the equity report (under ``/population/equity/``, where they have always been)."""

from django.urls import path

from . import views_equity

app_name = "equity"
urlpatterns = [
    path("", views_equity.equity_index, name="index"),
    path("units/<int:unit_id>/", views_equity.equity_report, name="report"),
    path("units/<int:unit_id>/export.csv", views_equity.equity_export, name="export"),
]
