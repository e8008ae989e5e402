"""Staff pages of the participation module."""

from django.urls import path

from . import views, views_compare, views_measures

app_name = "participation"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/document/", views.activity_document, name="activity_document"),
    path("activities/<int:activity_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("activities/<int:activity_id>/reflection/", views.activity_reflection, name="activity_reflection"),
    path("activities/<int:activity_id>/evaluation/", views.activity_evaluation, name="activity_evaluation"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("findings/", views_measures.finding_list, name="finding_list"),
    path("findings/new/", views_measures.finding_create, name="finding_create"),
    path("findings/<int:finding_id>/", views_measures.finding_edit, name="finding_edit"),
    path("findings/<int:finding_id>/measure/", views_measures.measure_create, name="measure_create"),
    path("measures/", views_measures.measure_list, name="measure_list"),
    path("measures/<int:measure_id>/", views_measures.measure_detail, name="measure_detail"),
    path("measures/<int:measure_id>/edit/", views_measures.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/status/", views_measures.measure_status, name="measure_status"),
    path("report/", views_measures.report, name="report"),
    path("compare/", views_compare.compare, name="compare"),
    path("compare/sharing/", views_compare.sharing_page, name="sharing"),
    path("compare/sharing/<slug:slug>/stop/", views_compare.sharing_revoke, name="sharing_revoke"),
    path("bank/", views_measures.bank, name="bank"),
    path("cycle/", views_measures.cycle_overview, name="cycle_overview"),
    path("cycle/<int:unit_id>/", views_measures.cycle_edit, name="cycle_edit"),
]
