"""Rules for the test suite itself: Hypothesis runs the same bounded examples every time, a
test that skips fails under bin/test (both set up in conftest.py), and no test times the code."""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import is_hypothesis_test, settings

ROOT = Path(__file__).resolve().parent.parent
MAX_EXAMPLES = 500  # the most any property test asks for; more belongs in the "explore" profile

pytest_plugins = ["pytester"]


def suite_files() -> list[Path]:
    """Return the suite's test modules."""
    return sorted([*ROOT.glob("medvirk/**/tests/**/test_*.py"), *ROOT.glob("tests/**/test_*.py")])


def hypothesis_tests() -> Iterator[tuple[str, Any]]:
    """Yield (name, test) for every Hypothesis test in the suite's modules."""
    for path in suite_files():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            candidates = [value]
            if inspect.isclass(value):
                candidates = [getattr(value, m) for m in vars(value)]
            for fn in candidates:
                if callable(fn) and is_hypothesis_test(fn):
                    yield f"{name}.{attr}", fn


def test_every_hypothesis_test_is_derandomised_and_bounded() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci":
        pytest.skip("the chosen Hypothesis profile draws random examples on purpose")
    found = dict(hypothesis_tests())
    assert len(found) >= 25  # the walk reached the suite's property tests (26 when written)
    for name, fn in found.items():
        # Hypothesis keeps a test's effective settings on the wrapper (there is no public getter).
        settings = fn._hypothesis_internal_use_settings
        assert settings.derandomize, name
        assert settings.deadline is None, name
        assert settings.max_examples <= MAX_EXAMPLES, name
        assert settings.database is None, name


def test_no_test_measures_speed() -> None:
    """Speed is measured by benchmarks under bench/: a timed assert fails on a loaded machine.

    (A deadline that waits for a server to start, with ``time.monotonic()``, is not a measurement.)
    """
    timer = re.compile(r"\b(perf_counter|process_time|timeit)\b")
    files = [path for path in suite_files() if path != Path(__file__).resolve()]  # not this rule itself
    assert len(files) > 100  # the walk reached the suite
    timed = [str(path.relative_to(ROOT)) for path in files if timer.search(path.read_text(encoding="utf-8"))]
    assert timed == []


def test_ci_profile_is_derandomised_bounded_and_without_deadline() -> None:
    profile = settings.get_profile("ci")
    assert profile.derandomize
    assert profile.deadline is None
    assert profile.max_examples <= MAX_EXAMPLES
    assert profile.database is None


def test_a_skipped_test_fails_under_bin_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest((ROOT / "conftest.py").read_text())
    pytester.makepyfile(
        test_skipping="""
        import pytest

        def test_needs_a_tool():
            pytest.skip("frobnicator is not installed")

        def test_runs():
            assert True
        """
    )
    monkeypatch.delenv("MEDVIRK_FORBID_SKIPS", raising=False)
    pytester.runpytest_subprocess("-p", "no:django", "-p", "no:randomly", "-rs").assert_outcomes(
        passed=1, skipped=1
    )

    monkeypatch.setenv("MEDVIRK_FORBID_SKIPS", "1")
    result = pytester.runpytest_subprocess("-p", "no:django", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Skipped under bin/test*frobnicator is not installed*"])
