from django.urls import path

from . import views, views_dashboard, views_setup

app_name = "feedback"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.episode_create, name="episode_create"),
    path("episodes/<int:episode_id>/", views.episode_detail, name="episode"),
    path("episodes/<int:episode_id>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:episode_id>/goals/", views.goals_edit, name="goals"),
    path("episodes/<int:episode_id>/members/", views.members, name="members"),
    path("episodes/<int:episode_id>/raters/new/", views.rater_create, name="rater_create"),
    path("episodes/<int:episode_id>/close/", views.episode_close, name="episode_close"),
    path("episodes/<int:episode_id>/export/", views.episode_export, name="episode_export"),
    path("episodes/<int:episode_id>/sessions/new/", views.session_create, name="session_create"),
    path("episodes/<int:episode_id>/sessions/<int:number>/", views.session_detail, name="session"),
    path("episodes/<int:episode_id>/sessions/<int:number>/link/", views.link_create, name="link_create"),
    path(
        "episodes/<int:episode_id>/sessions/<int:number>/paper/<int:rater_id>/",
        views.paper_entry,
        name="paper",
    ),
    path("episodes/<int:episode_id>/links/<int:link_id>/revoke/", views.link_revoke, name="link_revoke"),
    path("setup/", views_setup.setup, name="setup"),
    path(
        "setup/instruments/<int:instrument_id>/texts/", views_setup.instrument_texts, name="instrument_texts"
    ),
    path("setup/services/new/", views_setup.service_create, name="service_create"),
    path("what-matters/new/", views_setup.conversation_create, name="conversation_create"),
    path("what-matters/", views_dashboard.themes, name="themes"),
    path("outcomes/", views_dashboard.outcomes, name="outcomes"),
]
