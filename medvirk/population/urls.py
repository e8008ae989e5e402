from django.urls import path

from . import views

app_name = "population"
urlpatterns = [
    path("", views.tables, name="tables"),
    path("import/", views.table_import, name="table_import"),
    path("tables/<int:table_id>/", views.table_detail, name="table_detail"),
    path("tables/<int:table_id>/delete/", views.table_delete, name="table_delete"),
    path("tables/<int:table_id>/mapping/<int:entry_id>/", views.mapping_edit, name="mapping_edit"),
    path("units/<int:unit_id>/users/", views.user_counts, name="user_counts"),
    path("units/<int:unit_id>/users/import/", views.user_counts_import, name="user_counts_import"),
    path("units/<int:unit_id>/users/template.csv", views.user_counts_template, name="user_counts_template"),
]
