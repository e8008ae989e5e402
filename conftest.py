"""Shared fixtures: the demo municipalities are built once per test session and each test runs
in a transaction that is rolled back, so tests see the same data people see in the demo.

Also the Hypothesis profiles (chosen with ``HYPOTHESIS_PROFILE``) and, under ``bin/test``, the
rule that no test may skip."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# "ci" (the default, and what bin/test uses): the same examples on every run, so a failure is
# repeatable and a green run stays green; bounded; no deadline and no speed health check,
# which fail at random on a busy machine; no example database written into the checkout.
# Tests may ask for fewer or more examples with their own @settings.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# "explore": random examples, ten times as many, to hunt for new failures by hand
# (HYPOTHESIS_PROFILE=explore .venv/bin/pytest medvirk/analysis); a find becomes an @example.
hypothesis_settings.register_profile("explore", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under bin/test (``MEDVIRK_FORBID_SKIPS=1``) a skipped test fails: bin/test installs all
    that every test needs, so a skip there means a test silently stopped checking anything."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get("MEDVIRK_FORBID_SKIPS") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under bin/test, which sets up everything the tests need: {reason}"


@pytest.fixture(autouse=True)
def _default_language_after() -> Iterator[None]:
    """Leave the site's default language active after every test, as before it.

    Django's test client activates each request's language (``LocaleMiddleware``) and nothing
    turns it off after the response: a test whose last request was in English left English on in
    the thread for the next test, and text that test wrote or showed outside a request came out
    in English or not depending on the order tests ran in (``test_page_text``'s pages, seeded
    after a feedback test's English client, once showed English). Pure tests (``-p no:django``)
    have no Django settings to reset.
    """
    yield
    if "django.utils.translation" in sys.modules:
        from django.conf import settings

        if settings.configured:
            from django.utils import translation

            translation.deactivate()


#: Fixtures that open the test database (pytest-django blocks it for any other test).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def uses_database(item: pytest.Item) -> bool:
    """Whether a test can open the test database: it asks for it (a fixture, ``django_db``), or
    is a Django ``TestCase``. pytest-django refuses every query of any other test."""
    return (
        not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        or item.get_closest_marker("django_db") is not None
        or hasattr(getattr(item, "cls", None), "databases")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out tests for the other database: ``postgresql`` tests when the database is not
    PostgreSQL; ``sqlite_only`` and ``browser`` tests when it is not SQLite (bin/test runs both
    passes, and a real browser checks pages, not the database: once is enough for the CI budget).

    Also left out on PostgreSQL: a test that cannot open the database (``uses_database``), unless
    marked ``every_database`` (for one that reads ``DATABASE_URL`` or starts a process on the test
    database itself). Pure tests (analysis, parsers, the bank, the settings' checks) give the same
    answer on both passes; running them twice cost the PostgreSQL pass about a thousand tests.

    Deselected, not skipped: on the other database they have nothing to check, and bin/test fails
    on skips."""
    postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    left_out = ("sqlite_only", "browser") if postgres else ("postgresql",)

    def kept(item: pytest.Item) -> bool:
        if any(item.get_closest_marker(marker) for marker in left_out):
            return False
        if postgres and not uses_database(item):
            return any(item.get_closest_marker(marker) for marker in ("postgresql", "every_database"))
        return True

    keep = [item for item in items if kept(item)]
    if len(keep) != len(items):
        kept_ids = {id(item) for item in keep}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
        items[:] = keep


if TYPE_CHECKING:  # Django is imported lazily so pure-Python tests also run with -p no:django
    from django.test import Client

    from medvirk.accounts.demo import DemoData
    from tests.oidc_support import Provider


class _Unmigrated:
    """``MIGRATION_MODULES`` that leaves every app without migrations: ``migrate`` then creates
    the tables from the models (``run_syncdb``), as ``manage.py migrate`` would for an app that
    has none."""

    def __contains__(self, app_label: str) -> bool:
        return True

    def __getitem__(self, app_label: str) -> None:
        return None


_unmigrated: list[Any] = []  # the override in force while the test database is made


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """The test database's tables are made from the models, not by running the migrations
    (``MEDVIRK_TEST_MIGRATIONS=1`` runs them, as before): re-rendering the models' state for every
    migration took 18 s of CPU per test run on each database (a minute and more on a loaded CI
    machine), every run. Only while the database is created (``django_db_setup`` below turns it
    off again): tests that read the migrations (``makemigrations --check``, ``MigrationLoader``)
    see them all. The schemas are the same: ``makemigrations --check`` keeps the models and the
    migrations' state equal, and ``test_backup_restore`` migrates a new PostgreSQL database from
    scratch and compares its tables, columns, indexes and constraints with the test database's.
    """
    if os.environ.get("MEDVIRK_TEST_MIGRATIONS") != "1":
        from django.test.utils import override_settings

        override = override_settings(MIGRATION_MODULES=_Unmigrated())
        override.enable()
        _unmigrated.append(override)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from medvirk.accounts.demo import build_demo
    from medvirk.choice.demo import build_choice_base
    from medvirk.surveys.tests.matrix import survey_for

    while _unmigrated:  # the test database is made: the migrations are back
        _unmigrated.pop().disable()
    with django_db_blocker.unblock():
        demo = build_demo()
        build_choice_base(demo)  # providers and the staff the permission matrix needs
        for target in ("own", "sibling", "district", "root", "foreign"):  # shared by the permission matrix
            survey_for(demo, target)


@pytest.fixture
def demo(db: Any) -> DemoData:
    """Handles to the demo data (rolled back after each test)."""
    from medvirk.accounts.demo import load_demo

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


@pytest.fixture
def english(client_as: Callable[[str | None], Client]) -> Callable[[str], Client]:
    """Return a logged-in test client that asks for English pages (to match messages in English)."""
    from django.conf import settings

    def make(username: str) -> Client:
        client = client_as(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """A real OpenID Connect provider on loopback (tests/oidc_support.py), one per test module."""
    from tests.oidc_support import loopback_provider

    with loopback_provider() as running:
        yield running


@pytest.fixture
def in_english(settings: Any) -> Iterator[None]:
    """Serve pages and messages in English (for tests that match English texts; bokmål has its own)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploads and job files go to a temporary MEDIA_ROOT (the database is rolled back; files would stay)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
