"""The demo seeding registry: each app's ``demo.py`` registers itself; order follows ``after``."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.core import demo as registry


def _fake(monkeypatch: pytest.MonkeyPatch, after: dict[str, tuple[str, ...]], calls: list[str]) -> None:
    def seeder(label: str) -> Any:
        return lambda demo: calls.append(f"{label}:{demo}")

    monkeypatch.setattr(
        registry,
        "_SEEDERS",
        {label: registry._Registered(label, seeder(label), deps) for label, deps in after.items()},
    )


def test_the_apps_register_their_demos_in_installed_apps_order() -> None:
    # seed_demo used to call the first four by hand in this order; now each app's demo.py registers,
    # and the apps added since follow the ones they name in ``after``.
    from django.apps import apps

    order = registry.demo_order()
    assert order[:4] == ["surveys", "participation", "partners", "panels"]
    assert set(order) <= {config.label for config in apps.get_app_configs()}
    assert order.index("feedback") > order.index("participation")
    assert order.index("choice") > order.index("surveys")


def test_an_app_is_seeded_after_the_apps_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _fake(
        monkeypatch,
        {"surveys": ("panels",), "participation": (), "panels": ("partners",), "partners": ()},
        calls,
    )
    assert registry.seed_demo_apps("d") == ["participation", "partners", "panels", "surveys"]
    assert calls == ["participation:d", "partners:d", "panels:d", "surveys:d"]


def test_a_seeder_waiting_for_an_app_without_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, {"surveys": ("population",)}, [])
    with pytest.raises(ValueError, match="population"):
        registry.demo_order()


def test_seeders_waiting_for_each_other_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, {"surveys": ("panels",), "panels": ("surveys",), "partners": ()}, [])
    with pytest.raises(ValueError, match="panels, surveys"):
        registry.demo_order()


def test_a_second_seeder_for_one_app_and_a_seeder_outside_any_app_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "_SEEDERS", dict(registry._SEEDERS))

    def seed(demo: Any) -> None: ...

    seed.__module__ = "medvirk.panels.demo"
    with pytest.raises(ValueError, match="already has a demo seeder"):
        registry.demo_seeder()(seed)
    seed.__module__ = "somewhere.else"
    with pytest.raises(ValueError, match="not inside an installed app"):
        registry.demo_seeder()(seed)
