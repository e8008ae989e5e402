"""Finding panel compositions: the exact pricing ILP and a fast swap local search.

A composition is an integer vector with one entry per profile (see :mod:`.instance`). The
pricing problem of column generation asks for the composition maximising ``weights @ x``.
"""

from __future__ import annotations

import numpy as np

from ._highs import INF, is_infeasible, is_optimal, new_highs, pass_model
from .instance import ProfileModel


class CompositionOracle:
    """Solve ``max weights @ x`` over valid compositions with one reusable HiGHS MIP model."""

    def __init__(self, model: ProfileModel) -> None:
        """Build the ILP once; later calls only change the objective."""
        self.model = model
        num = model.num_profiles
        rows = [np.ones((1, num)), model.incidence.astype(np.float64)]
        lower = [np.array([model.instance.k]), model.quota_min]
        upper = [np.array([model.instance.k]), model.quota_max]
        if model.household_incidence.size:
            rows.append(model.household_incidence.astype(np.float64))
            lower.append(np.full(model.household_incidence.shape[0], -INF))
            upper.append(np.ones(model.household_incidence.shape[0]))
        self.h = new_highs()
        # The objective is rescaled to max weight 1 before each solve, so absolute gaps are
        # meaningful; tiny gaps keep the column-generation bound tight.
        self.h.setOptionValue("mip_rel_gap", 1e-9)
        self.h.setOptionValue("mip_abs_gap", 1e-9)
        self.h.setOptionValue("mip_feasibility_tolerance", 1e-9)
        pass_model(
            self.h,
            np.zeros(num),
            np.vstack(rows),
            np.concatenate(lower).astype(np.float64),
            np.concatenate(upper).astype(np.float64),
            np.zeros(num),
            model.multiplicity.astype(np.float64),
            integer=True,
            maximize=True,
        )
        self.indices = np.arange(num, dtype=np.int32)
        self.solves = 0
        self.seconds = 0.0

    def solve(self, weights: np.ndarray) -> tuple[np.ndarray | None, float, float]:
        """Return ``(composition, value, upper_bound)``; composition is None when infeasible."""
        import time

        start = time.perf_counter()
        scale = float(np.max(np.abs(weights))) or 1.0
        self.h.changeColsCost(len(self.indices), self.indices, weights / scale)
        self.h.run()
        self.solves += 1
        self.seconds += time.perf_counter() - start
        if is_infeasible(self.h):
            return None, -INF, -INF
        if not is_optimal(self.h):
            raise RuntimeError(f"pricing ILP ended with {self.h.getModelStatus()}")
        x = np.rint(self.h.getSolution().col_value).astype(np.int64)
        info = self.h.getInfo()
        bound = max(float(info.mip_dual_bound), float(info.objective_function_value)) * scale
        return x, float(weights @ x), bound


class SwapSearch:
    """Improve a composition by best-improvement single swaps (one seat moves between profiles).

    A swap removes one member of profile ``p`` and adds one of profile ``q``. Only the quota cells
    where ``p`` and ``q`` differ change, so feasibility is a cheap vectorised test.
    """

    def __init__(self, model: ProfileModel) -> None:
        """Precompute the value index of every profile in every feature."""
        self.model = model
        instance = model.instance
        cell = {(q.feature, q.value): i for i, q in enumerate(instance.quotas)}
        # values[p, j] = index of profile p's quota cell in feature j.
        self.values = np.array(
            [[cell[(f, key[j])] for j, f in enumerate(instance.features)] for key in model.keys],
            dtype=np.int64,
        ).reshape(model.num_profiles, len(instance.features))
        house = np.full(model.num_profiles, -1, dtype=np.int64)
        if model.household_incidence.size:
            rows, cols = np.nonzero(model.household_incidence)
            house[cols] = rows
        self.house = house
        self.num_features = len(instance.features)
        self.onehot = model.incidence.T.astype(np.float64)  # profiles × quota cells

    def improve(self, x: np.ndarray, weights: np.ndarray, max_steps: int = 1000) -> np.ndarray:
        """Return a swap-local optimum of ``weights @ x`` reached from ``x``."""
        model = self.model
        x = x.copy()
        counts = model.incidence @ x
        has_house = bool(model.household_incidence.size)
        hcount = model.household_incidence @ x if has_house else None
        onehot, values, mult = self.onehot, self.values, model.multiplicity
        qmin, qmax = model.quota_min, model.quota_max
        for _ in range(max_steps):
            out = (x > 0).nonzero()[0]
            if out.size == 0:
                break  # an empty panel (k = 0) has nothing to swap
            w_out = weights[out]
            # A swap only gains if the added profile outweighs the removed one, which prunes
            # the many zero-dual profiles from the candidate additions.
            cand = ((x < mult) & (weights > w_out.min() + 1e-15)).nonzero()[0]
            if cand.size == 0:
                break
            can_remove = counts > qmin
            can_add = counts < qmax
            # Swap p -> q is feasible iff in every feature the two share a cell, or p's cell may
            # lose a seat and q's may gain one. Count failing features with two small matmuls:
            # fails = J - (cells shared where a move is not allowed both ways) - r_p . a_q.
            not_both = (~(can_remove & can_add)).astype(np.float64)
            fails = (
                self.num_features
                - (onehot[out] * not_both) @ onehot[cand].T
                - can_remove[values[out]].astype(np.float64) @ can_add[values[cand]].astype(np.float64).T
            )
            gain = weights[cand][None, :] - w_out[:, None]
            gain[fails > 0.5] = -np.inf
            if has_house:
                hq = self.house[cand]
                hp = self.house[out]
                busy = np.where(hq >= 0, hcount[np.maximum(hq, 0)], 0)
                busy = busy[None, :] - ((hp[:, None] == hq[None, :]) & (hq[None, :] >= 0))
                gain[busy != 0] = -np.inf
            flat = int(gain.argmax())
            i, j = divmod(flat, gain.shape[1])
            if gain[i, j] <= 1e-12:
                break
            p, q = out[i], cand[j]
            x[p] -= 1
            x[q] += 1
            counts += model.incidence[:, q] - model.incidence[:, p]
            if has_house:
                hcount += model.household_incidence[:, q] - model.household_incidence[:, p]
        return x
