from django.urls import path

from .design import views
from .distribution import views as distribution_views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/status/", views.survey_status, name="status"),
    path("<int:survey_id>/dates/", views.survey_dates, name="dates"),
    path("<int:survey_id>/questions/", views.survey_definition, name="definition"),
    path("<int:survey_id>/translate/<str:lang>/", views.survey_translate, name="translate"),
    path(
        "<int:survey_id>/units/<int:survey_unit_id>/", distribution_views.unit_distribute, name="distribute"
    ),
    path("<int:survey_id>/units/<int:survey_unit_id>/poster/", distribution_views.unit_poster, name="poster"),
    path(
        "<int:survey_id>/units/<int:survey_unit_id>/codes/<int:batch>/",
        distribution_views.unit_codes,
        name="codes",
    ),
    path("<int:survey_id>/units/<int:survey_unit_id>/paper/", distribution_views.unit_paper, name="paper"),
    path("<int:survey_id>/units/<int:survey_unit_id>/local/", views.unit_local, name="local"),
]
