"""Shared fixtures: the demo municipalities are built once per test session and each test runs
in a transaction that is rolled back, so tests see the same data people see in the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from medvirk.demo import DemoData, build_demo, load_demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        build_demo()


@pytest.fixture
def demo(db: Any) -> DemoData:
    """Handles to the demo data (rolled back after each test)."""
    return load_demo()


@pytest.fixture
def client_as(demo: DemoData) -> Callable[[str | None], Client]:
    """Return a test client logged in as a demo user (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(demo.users[username])
        return client

    return make
