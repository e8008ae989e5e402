"""Population data's services check their actor themselves."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.population import services
from medvirk.population.demo import load_samples
from medvirk.population.models import MappingEntry, PopulationTable, UserCount
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    tables = load_samples()  # the sample loader acts as Medvirk itself
    table = tables[0]
    # Population tables belong to the whole municipality: a district's analyst may not change them.
    district_analyst = demo.users["analytiker.nord"]
    refused(lambda: services.table_delete(actor=district_analyst, table=table))
    refused(lambda: services.table_delete(actor=demo.users["provestad.admin"], table=table))
    entry = MappingEntry.objects.filter(table=table).first()
    assert entry is not None
    refused(lambda: services.mapping_correct(actor=district_analyst, entry=entry, target_key=None))
    assert PopulationTable.objects.filter(pk=table.pk).exists()
    unit = demo.units["Sørbyen barnehage"]
    before = UserCount.objects.filter(unit=unit).count()
    refused(
        lambda: services.user_counts_set(
            actor=demo.users["leder.solsikken"],
            unit=unit,
            year=2026,
            dimension="gender",
            counts={"female": 3},
        )
    )
    assert UserCount.objects.filter(unit=unit).count() == before
