from django.urls import path

from . import org_import_views
from . import unit_views as views

app_name = "orgs"  # the org tree's pages: URL names stay orgs:…, paths /org/…
urlpatterns = [
    path("", views.tree, name="tree"),
    path("import/", org_import_views.tree_import, name="import"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/reopen/", views.unit_reopen, name="unit_reopen"),
]
