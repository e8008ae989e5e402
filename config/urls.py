"""Top-level URLs: staff pages, the public site, the JSON API and language switching."""

from django.apps import apps
from django.urls import include, path

from medvirk.accounts import urls as accounts_urls
from medvirk.api.routes import api
from medvirk.site import survey_page
from medvirk.site import views as site_views
from medvirk.site import views_public as site_public
from medvirk.surveys import urls as survey_urls

site_patterns = (
    [path("", site_views.home, name="home"), path("overview/", site_views.dashboard, name="dashboard")],
    "site",
)
# The survey's page and a unit's distribution page say the unit's answers as the results'
# anonymity decision does, so they live above insights (medvirk/site/survey_page.py); they keep
# their places among the survey's URLs.
survey_patterns = (
    [
        path("<int:survey_id>/", survey_page.survey_detail, name="detail"),
        path(
            "<int:survey_id>/units/<int:survey_unit_id>/",
            survey_page.unit_distribute,
            name="distribute",
        ),
        *survey_urls.urlpatterns,
    ],
    survey_urls.app_name,
)
public_site_patterns = (
    [
        path("<slug:slug>/theme.css", site_public.theme, name="theme"),
        path("<slug:slug>/logo", site_public.logo, name="logo"),
        path("<slug:slug>/privacy/", site_public.privacy, name="privacy"),
    ],
    "public_site",
)

urlpatterns = [
    # First: patterns are tried in order, and the API's public submissions are the busiest requests
    # (bench/submit); nothing else starts with api/v1/.
    path("api/v1/", api.urls),
    path("", include(site_patterns)),
    path("", include("medvirk.accounts.urls")),
    path("", include(accounts_urls.sso_urlpatterns)),
    path("", include("medvirk.accounts.idporten_urls")),
    path("org/", include("medvirk.accounts.unit_urls")),
    path("surveys/", include(survey_patterns)),
    path("surveys/", include("medvirk.surveys.interchange.urls")),
    path("a/", include("medvirk.surveys.answering.urls")),
    path("results/", include("medvirk.insights.urls")),
    path("population/", include("medvirk.population.urls")),
    path("population/equity/", include("medvirk.insights.equity_urls")),
    path("participation/", include("medvirk.participation.urls")),
    path("organisations/", include("medvirk.partners.urls")),
    path("p/", include("medvirk.participation.public_urls")),
    path("o/", include("medvirk.partners.public_urls")),
    path("panels/", include("medvirk.panels.urls")),
    path("feedback/", include("medvirk.feedback.urls")),
    path("k/", include("medvirk.feedback.client_urls")),
    path("v/", include("medvirk.panels.public_urls")),
    path("choice/statistics/", include("medvirk.insights.choice.urls_stats")),
    path("choice/", include("medvirk.choice.urls")),
    path("valg/", include("medvirk.insights.choice.urls_public")),
    path("m/", include(public_site_patterns)),
    path("jobs/", include("medvirk.accounts.job_urls")),
    path("operator/", include("medvirk.accounts.operator_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if apps.is_installed("bench.floor"):  # only with MEDVIRK_BENCH_FLOOR=1 in production settings
    urlpatterns.append(path("bench/floor/", include("bench.floor.urls")))

handler400 = "medvirk.site.errors.bad_request"
