from django.urls import path

from .answering import preview
from .design import builder_views, views
from .distribution import views as distribution_views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    # "<int:survey_id>/" (name "detail"): the survey's page, in medvirk/site/survey_page.py (config/urls.py)
    path("<int:survey_id>/status/", views.survey_status, name="status"),
    path("<int:survey_id>/dates/", views.survey_dates, name="dates"),
    path("<int:survey_id>/target/", views.survey_target, name="target"),
    path("<int:survey_id>/questions/", views.survey_definition, name="definition"),
    path("<int:survey_id>/build/", builder_views.build_page, name="build"),
    path("<int:survey_id>/build/<str:key>/", builder_views.build_question, name="build_question"),
    path("<int:survey_id>/check/", builder_views.check_page, name="check"),
    path("<int:survey_id>/preview/", preview.survey_preview, name="preview"),
    path("<int:survey_id>/translate/<str:lang>/", views.survey_translate, name="translate"),
    # "<int:survey_id>/units/<int:survey_unit_id>/" (name "distribute"): in medvirk/site/survey_page.py
    path("<int:survey_id>/units/<int:survey_unit_id>/poster/", distribution_views.unit_poster, name="poster"),
    path(
        "<int:survey_id>/units/<int:survey_unit_id>/codes/<int:batch>/",
        distribution_views.unit_codes,
        name="codes",
    ),
    path("<int:survey_id>/units/<int:survey_unit_id>/paper/", distribution_views.unit_paper, name="paper"),
    path("<int:survey_id>/units/<int:survey_unit_id>/local/", views.unit_local, name="local"),
]
