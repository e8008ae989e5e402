"""URLs for survey interchange (JSON and XLSForm export, import). Mounted under ``surveys/``."""

from django.urls import path

from . import views

app_name = "surveys_interchange"
urlpatterns = [
    path("<int:survey_id>/export.json", views.export_json, name="export_json"),
    path("<int:survey_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import/", views.import_survey, name="import"),
]
