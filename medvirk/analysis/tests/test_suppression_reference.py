"""The dense decision does not depend on which feasible points the LP solver returns.

``suppress(..., dense=True)`` (the option decision of every survey round) settles most audits
with witnesses (feasible points of earlier LPs), so how many LPs it solves depends on the
solver's path. Its clean-up budget counts cells audited instead, so the decision must equal the
reference algorithm's, whose every audit is two plain LPs (no witnesses): the same cells
hidden on random tables, also when the clean-up budget runs out. Faster variants of the attacker
(other witnesses, other simplex strategies, batch LPs) are checked against the same reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis import suppression as s
from medvirk.analysis.suppression import FigureKind, SuppressionPolicy, Table, suppress

from .test_suppression import crosstabs, district_crosstabs, hierarchies, nested_filters

REFERENCE = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _plain_protects(attacker: s._Attacker, key: str, k: int) -> bool:
    """Rule 3 from the two LPs of the attacker's interval, no witnesses."""
    low, high = attacker.interval(key)
    return low <= s._EPS and high >= k - s._EPS


@contextmanager
def reference() -> Iterator[None]:
    """Run :func:`suppress` with the reference algorithm."""
    with mock.patch.object(s._Attacker, "protects", _plain_protects):
        yield


def shown(table: Table) -> list[str]:
    """Return the cells the dense decision shows (threshold 5)."""
    decided = suppress(table, SuppressionPolicy(), FigureKind.NUMBERS, dense=True)
    return [d.key for d in decided.decisions if d.shown]


@REFERENCE
@given(st.one_of(crosstabs(), district_crosstabs(), hierarchies(), nested_filters()), st.booleans())
def test_dense_decision_equals_the_reference_algorithm(table: Table, tight_budget: bool) -> None:
    with ExitStack() as stack:
        if tight_budget:  # the clean-up stops early: where must not depend on the LPs' path
            stack.enter_context(mock.patch.object(s, "_CLEANUP_AUDITS", 0))
        fast = shown(table)
        with reference():
            assert shown(table) == fast
