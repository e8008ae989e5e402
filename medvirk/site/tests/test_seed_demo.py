"""``seed_demo`` seeds every app's own demo through the registry, on top of the base demo, and tells
the person starting the demo whom to log in as, with each role in words."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import translation

from medvirk.accounts.demo import DEMO_PASSWORD, DemoData
from medvirk.accounts.models import Role
from medvirk.analysis.trajectories import MIN_EPISODES
from medvirk.choice.models import Client, Switch
from medvirk.core.demo import seed_demo_apps
from medvirk.feedback.models import Episode, TrajectoryFit
from medvirk.panels.models import Panel, Volunteer
from medvirk.participation.models import Activity
from medvirk.partners.models import Organisation
from medvirk.surveys.models import Survey


def test_every_registered_app_seeds_its_demo_on_the_base_demo(demo: DemoData) -> None:
    assert seed_demo_apps(demo) == ["surveys", "participation", "partners", "panels", "feedback", "choice"]
    muni = demo.municipality
    assert Survey.objects.filter(municipality=muni).count() >= 2  # the 2025 and 2026 rounds
    assert Activity.objects.filter(municipality=muni).exists()
    assert Organisation.objects.filter(municipality=muni).exists()
    assert Volunteer.objects.filter(municipality=muni).count() == 120
    assert Panel.objects.filter(municipality=muni).count() == 1
    assert Client.objects.filter(municipality=muni).count() == 300
    assert Switch.objects.filter(municipality=muni).count() > 10
    assert Survey.objects.filter(municipality=muni, template_key="home_care").count() == 2  # per provider
    # Eksempelhjelpa: enough closed episodes that its expected trajectories are its own.
    assert Episode.objects.filter(municipality=muni, status="closed").count() == 640
    assert TrajectoryFit.objects.filter(municipality=muni, episodes__gte=MIN_EPISODES).exists()
    # "What matters to our users" shows the last ended half-year (themes are per ended half-year)
    from medvirk.feedback.themes import what_matters

    assert what_matters(demo.units["Hjemmetjenesten Nord"]).shown


def test_the_demo_logins_name_each_role_in_words_never_its_key(demo: DemoData) -> None:
    out = StringIO()
    with translation.override("nb"):
        call_command("seed_demo", stdout=out)  # the base demo is there: it only prints the logins
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[2:] if line.strip()}
    assert DEMO_PASSWORD in out.getvalue()
    assert "Ada Administrator: Kommuneadministrator – Eksempel kommune" in lines["admin"]
    assert "Sol Leder: Virksomhetsleder – Solsikken barnehage" in lines["leder.solsikken"]
    assert "Sara Leder: Virksomhetsleder – Sentrum barnehage" in lines["leder.sentrum"]  # sees figures
    assert "Lesetilgang – Eksempel kommune" in lines["lesetilgang"]
    assert "Kommuneadministrator – Prøvestad kommune" in lines["provestad.admin"]
    keys = {role.value for role in Role}
    shown = [word for line in lines.values() for word in line.split()[1:]]  # after the login name
    assert not keys & set(shown), shown
