"""The demo loader imports every shipped sample and is safe to run twice."""

from __future__ import annotations

from django.core.management import call_command

from medvirk.accounts.demo import DemoData
from medvirk.population.models import PopulationTable, UserCount


def test_load_population_sample_twice(demo: DemoData) -> None:
    call_command("load_population_sample")
    call_command("load_population_sample")
    assert sorted(PopulationTable.objects.values_list("table_id", flat=True)) == ["07459", "09817", "10826"]
    assert UserCount.objects.filter(year=2026).exists()
