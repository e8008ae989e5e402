"""Edge cases: an empty pool, quotas on an empty pool, a pool above the limit."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.core.errors import ServiceError
from medvirk.panels import selection, services
from medvirk.panels.demo import seed_volunteers

pytestmark = pytest.mark.django_db


def test_empty_pool_is_explained_not_crashed(demo: Any, client_as: Any) -> None:
    actor = demo.users["admin"]
    panel = services.panel_create(
        actor=actor, municipality=demo.municipality, name="Tom", purpose="x", size=4
    )
    services.quotas_set(actor=actor, panel=panel, quotas=[("gender", "female", 2, 4)])
    page = client_as("admin").get(f"/panels/{panel.pk}/")
    assert page.status_code == 200
    assert "No panel can meet all the quotas" in page.content.decode()
    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=actor, panel=panel)
    assert error.value.code == "infeasible"


def test_pool_above_the_limit_is_refused(demo: Any, monkeypatch: Any) -> None:
    seed_volunteers(demo.municipality, count=30, seed=1)
    monkeypatch.setattr(selection, "MAX_POOL", 20)
    actor = demo.users["admin"]
    panel = services.panel_create(
        actor=actor, municipality=demo.municipality, name="Stor", purpose="x", size=4
    )
    with pytest.raises(ServiceError) as error:
        services.panel_select_start(actor=actor, panel=panel)
    assert error.value.code == "pool_too_large"
    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=actor, panel=panel)
    assert error.value.code == "pool_too_large"


def test_panel_rules(demo: Any) -> None:
    actor = demo.users["admin"]
    with pytest.raises(ServiceError):
        services.panel_create(actor=actor, municipality=demo.municipality, name=" ", purpose="x", size=4)
    with pytest.raises(ServiceError):
        services.panel_create(actor=actor, municipality=demo.municipality, name="N", purpose="x", size=0)
    panel = services.panel_create(actor=actor, municipality=demo.municipality, name="N", purpose="x", size=3)
    with pytest.raises(ServiceError):
        services.quotas_set(actor=actor, panel=panel, quotas=[("gender", "female", 3, 1)])
    with pytest.raises(ServiceError):
        services.quotas_set(actor=actor, panel=panel, quotas=[("gender", "x", 0, 1), ("gender", "x", 0, 1)])


def test_retention_purge(demo: Any) -> None:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from medvirk.panels.models import Volunteer

    old, new = seed_volunteers(demo.municipality, count=2, seed=2)
    Volunteer.objects.filter(pk=old.pk).update(consent_at=timezone.now() - datetime.timedelta(days=3 * 366))
    call_command("purge_volunteers")
    assert not Volunteer.objects.filter(pk=old.pk).exists()
    assert Volunteer.objects.filter(pk=new.pk).exists()
