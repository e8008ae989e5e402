"""Every tenant-owned table carries the municipality key, so a national installation can be
distributed by municipality (Citus) — checked over the models, not promised in a document.

The exceptions are declared in medvirk/core/tenancy.py (docs/scaling.md explains them); a new
model, link table or unique key that is in none of them fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from medvirk.core.tenancy import BEFORE_CITUS, ENTRY_KEYS, PLACEMENT, Placement


def _ours() -> list[type[models.Model]]:
    """Medvirk's tables, the link tables of its many-to-many fields included."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith("medvirk.") and not m._meta.proxy
    ]


def _municipality(model: type[models.Model]) -> Any:
    try:
        return model._meta.get_field("municipality")
    except Exception:
        return None


def placement(model: type[models.Model]) -> Placement:
    return PLACEMENT[model._meta.label][0] if model._meta.label in PLACEMENT else Placement.DISTRIBUTED


def test_every_table_has_the_municipality_key_or_a_declared_place() -> None:
    missing, nullable = [], []
    for model in _ours():
        label = model._meta.label
        if label in PLACEMENT:
            continue
        field = _municipality(model)
        if field is None or field.related_model._meta.label != "orgs.Municipality":
            missing.append(label)
        elif field.null and label not in BEFORE_CITUS:
            nullable.append(label)
    assert missing == [], (
        "Tables without the municipality key (give them TenantModel, or a through model that is "
        "one for a many-to-many field, or declare their place in medvirk/core/tenancy.py)"
    )
    assert nullable == [], "Citus refuses a NULL distribution column: make the key required"


def test_the_declarations_name_real_models_and_fields() -> None:
    for label in [*PLACEMENT, *BEFORE_CITUS]:
        apps.get_model(label)
    for key in ENTRY_KEYS:
        app_model, field = key.rsplit(".", 1)
        assert apps.get_model(app_model)._meta.get_field(field).unique, key


def _unique_keys(model: type[models.Model]) -> list[tuple[str, tuple[str, ...]]]:
    keys: list[tuple[str, tuple[str, ...]]] = [
        (f.name, (f.name,)) for f in model._meta.fields if f.unique and not f.primary_key
    ]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            keys.append((constraint.name, tuple(constraint.fields)))
    keys += [(",".join(fields), tuple(fields)) for fields in model._meta.unique_together]
    return keys


def test_unique_keys_of_distributed_tables_include_the_municipality() -> None:
    """Citus enforces a unique key only when it contains the distribution column; the few keys
    that open a tenant's rows without naming the tenant are entry keys with their routing."""
    stray = []
    for model in _ours():
        for name, fields in _unique_keys(model):
            if placement(model) is Placement.DISTRIBUTED and "municipality" in fields:
                continue
            if len(fields) == 1 and f"{model._meta.label}.{fields[0]}" in ENTRY_KEYS:
                continue
            if placement(model) is not Placement.DISTRIBUTED and len(fields) > 1:
                continue  # a composite key on a reference or coordinator table is enforced as is
            stray.append(f"{model._meta.label}: {name}")
    assert stray == []


def test_reference_and_coordinator_tables_point_only_at_reference_tables() -> None:
    """A copy on every node (or a coordinator table) cannot hold a foreign key into a shard."""
    wrong = []
    for model in _ours():
        if placement(model) is Placement.DISTRIBUTED:
            continue
        for field in model._meta.fields:
            target = field.related_model
            if target is None or not target._meta.app_config.name.startswith("medvirk."):
                continue
            if placement(target) is not Placement.REFERENCE:
                wrong.append(f"{model._meta.label}.{field.name} → {target._meta.label}")
    assert wrong == []


@pytest.mark.django_db
def test_citus_plan_places_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("citus_plan")
    plan = capsys.readouterr().out
    for model in _ours():
        table = model._meta.db_table
        if placement(model) is Placement.DISTRIBUTED:
            assert f"SELECT create_distributed_table('{table}', 'municipality_id'" in plan, table
            assert f"ALTER TABLE {table} ADD PRIMARY KEY (municipality_id, id);" in plan, table
        elif placement(model) is Placement.REFERENCE:
            assert f"SELECT create_reference_table('{table}');" in plan, table
        else:
            assert f"-- {table} stays on the coordinator" in plan, table
    assert "create_distributed_table('orgs_municipality'" not in plan
