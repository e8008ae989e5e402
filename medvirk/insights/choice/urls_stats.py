"""Staff statistics of choice: /choice/statistics/."""

from django.urls import path

from . import views_stats

app_name = "choice_stats"
urlpatterns = [
    path("", views_stats.index, name="index"),
    path("<int:service_id>/", views_stats.service, name="service"),
    path("<int:service_id>/finding/", views_stats.finding, name="finding"),
]
