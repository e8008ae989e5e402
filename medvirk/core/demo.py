"""The demo seeding registry: each app seeds its own demo data in its ``demo.py``.

An app registers a function with ``@demo_seeder(after=(...))``; ``seed_demo_apps`` imports every
installed app's ``demo`` module (Django's autodiscovery, as for ``admin.py`` and ``jobs.py``) and
runs the seeders after the base demo (municipalities, units and staff, ``accounts.demo``): an app
after the apps it names in ``after``, otherwise in ``INSTALLED_APPS`` order. So ``site``'s
``seed_demo`` command knows no app, and a new app's demo is one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.utils.module_loading import autodiscover_modules

Seeder = TypeVar("Seeder", bound=Callable[[Any], object])


@dataclass(frozen=True)
class _Registered:
    label: str
    seed: Callable[[Any], object]
    after: tuple[str, ...]


_SEEDERS: dict[str, _Registered] = {}


def demo_seeder(*, after: tuple[str, ...] = ()) -> Callable[[Seeder], Seeder]:
    """Register the decorated ``seed(demo)`` as its app's demo seeder, run after the apps in ``after``.

    ``demo`` is the base demo's handles (``medvirk.accounts.demo.DemoData``).
    """

    def register(seed: Seeder) -> Seeder:
        app = apps.get_containing_app_config(seed.__module__)
        if app is None:
            raise ValueError(f"{seed.__module__} is not inside an installed app.")
        known = _SEEDERS.get(app.label)
        if known is not None and known.seed is not seed:
            raise ValueError(f"The app {app.label} already has a demo seeder ({known.seed.__qualname__}).")
        _SEEDERS[app.label] = _Registered(app.label, seed, tuple(after))
        return seed

    return register


def demo_order() -> list[str]:
    """Return the labels of the apps with a demo seeder, in the order they are seeded."""
    autodiscover_modules("demo")
    position = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    unknown = {label for seeder in _SEEDERS.values() for label in seeder.after} - set(_SEEDERS)
    if unknown:
        raise ValueError(f"Demo seeders wait for apps without a seeder: {', '.join(sorted(unknown))}.")
    # A topological order whose ties keep INSTALLED_APPS order (graphlib's sorter gives no control
    # over ties, and a handful of apps needs no more than this loop).
    waiting = {label: set(seeder.after) for label, seeder in _SEEDERS.items()}
    order: list[str] = []
    while waiting:
        ready = [label for label, after in waiting.items() if after <= set(order)]
        if not ready:
            raise ValueError(f"Demo seeders wait for each other: {', '.join(sorted(waiting))}.")
        first = min(ready, key=lambda label: position[label])
        order.append(first)
        del waiting[first]
    return order


def seed_demo_apps(demo: Any) -> list[str]:
    """Run every registered app's demo seeder on the base ``demo``; return the apps in order."""
    order = demo_order()
    for label in order:
        _SEEDERS[label].seed(demo)
    return order
