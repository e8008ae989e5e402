"""The demo loader imports every shipped sample and is safe to run twice."""

from __future__ import annotations

from django.core.management import call_command

from medvirk.accounts.demo import DemoData
from medvirk.population import equity
from medvirk.population.models import PopulationTable, UserCount


def test_load_population_sample_twice(demo: DemoData) -> None:
    call_command("load_population_sample")
    call_command("load_population_sample")
    assert sorted(PopulationTable.objects.values_list("table_id", flat=True)) == ["07459", "09817", "10826"]
    assert UserCount.objects.filter(year=2026).exists()
    report = equity.user_representation(unit=demo.units["Hjemmetjenesten Nord"], year=2026)
    age = next(d for d in report.dimensions if d.dimension == "age_band")
    assert age.shown and any(r.under for r in age.rows)
