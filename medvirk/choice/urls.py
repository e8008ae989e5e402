"""Staff pages of free choice of provider."""

from django.urls import path

from . import views, views_cases

app_name = "choice"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:service_id>/", views.service_detail, name="service_detail"),
    path("services/<int:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:service_id>/defaults/", views.defaults_apply, name="defaults_apply"),
    path("services/<int:service_id>/clients/new/", views_cases.client_create, name="client_create"),
    path("services/<int:service_id>/import/", views_cases.import_clients, name="import"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:provider_id>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:provider_id>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:provider_id>/approval/<int:service_id>/", views.approval_edit, name="approval_edit"),
    path("providers/<int:provider_id>/continuity/", views.continuity, name="continuity"),
    path("providers/<int:provider_id>/clients/", views.provider_clients, name="provider_clients"),
    path("mine/", views.my_providers, name="my_providers"),
    path("clients/<int:client_id>/", views_cases.client_detail, name="client_detail"),
    path("clients/<int:client_id>/choose/", views_cases.client_choose, name="client_choose"),
    path("clients/<int:client_id>/default/", views_cases.client_default, name="client_default"),
    path("clients/<int:client_id>/switch/", views_cases.client_switch, name="client_switch"),
    path("clients/<int:client_id>/end/", views_cases.client_end, name="client_end"),
    path("switches/<int:switch_id>/cancel/", views_cases.switch_cancel, name="switch_cancel"),
    path("requests/", views_cases.request_list, name="request_list"),
    path("requests/<int:request_id>/", views_cases.request_detail, name="request_detail"),
]
