"""The linear programme the anonymity tests' LP attackers solve (issue 16).

An attacker turns what a page publishes into facts ``low ≤ Σ weight · variable ≤ high`` about
counts it does not see, then asks, for each withheld cell, the lowest and highest value every fact
allows. The attackers of survey results (``medvirk/insights/tests/attacker.py``) and of the client
feedback dashboard (``medvirk/feedback/tests/test_dashboard_attack.py``) choose their own
variables and facts; both solve them here, with HiGHS.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import highspy
import numpy as np

EPS = 1e-6
_OPEN = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


class LpAttacker:
    """Variables (columns) from ``low`` to +∞, facts added as rows, and the bounds they allow."""

    def __init__(self, low: np.ndarray) -> None:
        """``low``: each variable's lower bound (0 for a count, −∞ for a sum that may be negative)."""
        self.size = len(low)
        # Every solution found is a feasible point: it settles later cells without a new LP
        # (``pins``), until a new fact makes it stale.
        self.witnesses: list[np.ndarray] = []
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.addVars(self.size, low, np.full(self.size, highspy.kHighsInf))

    def add(self, terms: Mapping[int, float], low: float, high: float) -> None:
        """Add the fact ``low ≤ Σ coefficient · variable ≤ high``."""
        cols = np.array(list(terms), dtype=np.int32)
        vals = np.array(list(terms.values()), dtype=float)
        inf = highspy.kHighsInf
        self.h.addRow(max(low, -inf), min(high, inf), len(cols), cols, vals)
        self.witnesses.clear()

    def bound(self, cols: Sequence[int], low: float, high: float) -> None:
        """Add the facts ``low ≤ variable ≤ high`` for each variable of ``cols``."""
        size = len(cols)
        self.h.changeColsBounds(
            size, np.array(cols, dtype=np.int32), np.full(size, float(low)), np.full(size, float(high))
        )
        self.witnesses.clear()

    def interval(self, terms: Mapping[int, float]) -> tuple[float, float]:
        """Return the lowest and highest value of ``Σ terms`` consistent with every fact."""
        cost = np.zeros(self.size)
        for i, w in terms.items():
            cost[i] = w
        out = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.h.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), cost)
            self.h.changeObjectiveSense(sense)
            self.h.run()
            status = self.h.getModelStatus()
            if status in _OPEN:
                out.append(math.inf)
                continue
            assert status == highspy.HighsModelStatus.kOptimal, self.h.modelStatusToString(status)
            self.witnesses.append(np.asarray(self.h.getSolution().col_value))
            out.append(float(self.h.getInfo().objective_function_value))
        return out[0], out[1]

    def pins(self, terms: Mapping[int, float], threshold: int) -> tuple[float, float] | None:
        """Return the interval of a withheld cell if it is narrower than allowed, else None.

        Allowed: the attacker can neither rule out that the cell is empty nor that it holds
        ``threshold`` or more. Points found by earlier LPs are feasible, so they settle most
        cells without a new LP.
        """
        if self.witnesses:
            cols = np.array(list(terms), dtype=np.int64)
            w = np.array(list(terms.values()))
            values = np.stack(self.witnesses)[:, cols] @ w
            if values.min() <= EPS and values.max() >= threshold - EPS:
                return None
        low, high = self.interval(terms)
        if low <= EPS and high >= threshold - EPS:
            return None
        return low, high
