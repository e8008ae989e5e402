from django.urls import path

from . import views_client

app_name = "feedback_client"

urlpatterns = [path("<str:token>/", views_client.answer, name="answer")]
