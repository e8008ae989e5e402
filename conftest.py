"""Shared fixtures: the demo municipalities are built once per test session and each test runs
in a transaction that is rolled back, so tests see the same data people see in the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # Django is imported lazily so pure-Python tests also run with -p no:django
    from django.test import Client

    from medvirk.demo import DemoData


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from medvirk.demo import build_demo
    from medvirk.surveys.tests.matrix import survey_for

    with django_db_blocker.unblock():
        demo = build_demo()
        for target in ("own", "sibling", "district", "root", "foreign"):  # shared by the permission matrix
            survey_for(demo, target)


@pytest.fixture
def demo(db: Any) -> DemoData:
    """Handles to the demo data (rolled back after each test)."""
    from medvirk.demo import load_demo

    return load_demo()


@pytest.fixture
def client_as(demo: DemoData) -> Callable[[str | None], Client]:
    """Return a test client logged in as a demo user (None: anonymous)."""

    from django.test import Client

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(demo.users[username])
        return client

    return make
