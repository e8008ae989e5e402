from django.urls import path

from . import views

urlpatterns = [path("", views.floor, name="bench_floor")]
