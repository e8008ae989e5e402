"""``manage.py test`` points to pytest: Medvirk's tests are pytest tests (fixtures, markers).

Django's own runner found none of them and said "Ran 0 tests … OK", which reads as a passing suite.
"""

from __future__ import annotations

import sys
from typing import Any

from django.test.runner import DiscoverRunner

MESSAGE = (
    "Medvirk's tests run with pytest, not manage.py test: bin/test runs all of them (lint, SQLite and "
    "PostgreSQL); .venv/bin/pytest medvirk/accounts/tests/test_units.py runs one file on SQLite "
    '(README, "Two commands"; docs/architecture.md, "Tests").'
)


class UsePytest(DiscoverRunner):
    """Refuse to run, saying how the tests are run (``settings.TEST_RUNNER``)."""

    def run_tests(self, test_labels: Any, **kwargs: Any) -> int:
        print(MESSAGE, file=sys.stderr)
        return 1
