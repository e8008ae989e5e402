"""Public choice pages: /valg/<municipality>/ (services), /valg/<municipality>/<service>/ (comparison)."""

from django.urls import path

from . import views_public

app_name = "choice_public"
urlpatterns = [
    path("<slug:slug>/", views_public.index, name="index"),
    path("<slug:slug>/<int:service_id>/", views_public.compare, name="compare"),
    path("<slug:slug>/<int:service_id>/form/", views_public.printable_form, name="form"),
    path("<slug:slug>/<int:service_id>/request/", views_public.request_page, name="request"),
    path("<slug:slug>/<int:service_id>/request/thanks/", views_public.thanks, name="thanks"),
]
