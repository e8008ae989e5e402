from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("<int:survey_id>/", views.survey_results, name="survey_results"),
    path("<int:survey_id>/crosstab/", views.crosstab, name="crosstab"),
    path("<int:survey_id>/text/", views.text_answers, name="text_answers"),
    path("<int:survey_id>/export/", views.export_aggregated, name="export"),
    path("<int:survey_id>/responses/", views.export_raw, name="export_raw"),
    path("<int:survey_id>/responses/prepare/", views.export_raw_start, name="export_raw_start"),
    path("<int:survey_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:survey_id>/report/prepare/", views.report_pdf_start, name="report_pdf_start"),
]
