"""Staff pages of the organisations register."""

from django.urls import path

from . import views, views_import, views_units

app_name = "partners"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.create, name="create"),
    path("<int:organisation_id>/", views.detail, name="detail"),
    path("<int:organisation_id>/edit/", views.edit, name="edit"),
    path("<int:organisation_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:organisation_id>/invite/", views.invite, name="invite"),
    path("contacts/<int:contact_id>/remove/", views.contact_remove, name="contact_remove"),
    path("proposals/", views.moderation, name="moderation"),
    path("proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("units/<int:unit_id>/contacts/", views_units.contact_log, name="contact_log"),
    path("units/<int:unit_id>/mapping/", views_units.mapping, name="mapping"),
    path("mapping/", views_units.mapping_overview, name="mapping_overview"),
    path("mapping.csv", views_units.mapping_csv, name="mapping_csv"),
    path("import/", views_import.import_csv, name="import"),
]
