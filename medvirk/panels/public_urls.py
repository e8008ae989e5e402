"""Citizen-facing pages of the panels module (no login)."""

from django.urls import path

from . import views_public

app_name = "panels_public"
urlpatterns = [
    path("<slug:slug>/", views_public.signup, name="signup"),
    path("<slug:slug>/thanks/", views_public.thanks, name="thanks"),
    path("<slug:slug>/confirm/<str:token>/", views_public.confirm, name="confirm"),
    path("<slug:slug>/withdraw/<str:token>/", views_public.withdraw, name="withdraw"),
    path("<slug:slug>/link/<str:token>/", views_public.link, name="link"),
    path("<slug:slug>/mine/", views_public.mine, name="mine"),
]
