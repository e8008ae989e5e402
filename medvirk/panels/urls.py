"""Staff pages of the panels module."""

from django.urls import path

from . import councils, views, views_pool

app_name = "panels"
urlpatterns = [
    path("", views.panel_list, name="panel_list"),
    path("new/", views.panel_create, name="panel_create"),
    path("<int:panel_id>/", views.panel_detail, name="panel_detail"),
    path("<int:panel_id>/quotas/", views.panel_quotas, name="panel_quotas"),
    path("<int:panel_id>/select/", views.panel_select, name="panel_select"),
    path("<int:panel_id>/draw/", views.panel_draw_status, name="panel_draw_status"),
    path("<int:panel_id>/report/", views.panel_report, name="panel_report"),
    path("<int:panel_id>/members.csv", views.panel_members_csv, name="panel_members_csv"),
    path("<int:panel_id>/members/<int:member_id>/decline/", views.member_decline, name="member_decline"),
    path("volunteers/", views_pool.pool, name="pool"),
    path("volunteers/import/", views_pool.import_csv, name="import"),
    path("volunteers/<int:volunteer_id>/edit/", views_pool.volunteer_edit, name="volunteer_edit"),
    path("councils/", councils.council_list, name="council_list"),
    path("councils/<int:council_id>/", councils.council_detail, name="council_detail"),
]
