"""Staff pages of background jobs."""

from django.urls import path

from . import job_views

app_name = "jobs"
urlpatterns = [
    path("<int:job_id>/", job_views.job_detail, name="job_detail"),
    path("<int:job_id>/download/", job_views.job_download, name="job_download"),
]
