"""``seed_demo`` seeds every app's own demo through the registry, on top of the base demo."""

from __future__ import annotations

from medvirk.accounts.demo import DemoData
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
