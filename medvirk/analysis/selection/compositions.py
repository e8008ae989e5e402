"""Finding panel compositions: the exact pricing ILP and a fast swap local search.

A composition is an integer vector with one entry per profile (see :mod:`.instance`). The
pricing problem of column generation asks for the composition maximising ``weights @ x``.
"""

from __future__ import annotations

import numpy as np

from ._highs import INF, Budget, is_infeasible, is_optimal, new_highs, pass_model
from .instance import ProfileModel


class CompositionOracle:
    """Solve ``max weights @ x`` over valid compositions with one reusable HiGHS MIP model."""

    def __init__(self, model: ProfileModel, budget: Budget | None = None) -> None:
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
        # The objective is rescaled to max weight 1 before each solve, so absolute gaps are
        # meaningful; tiny gaps keep the column-generation bound tight.
        self.h = new_highs(
            "panel-finding ILP",
            budget,
            mip_rel_gap=1e-9,
            mip_abs_gap=1e-9,
            mip_feasibility_tolerance=1e-9,
        )
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
        self.h.run_within_limits()
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
        # Each profile's quota cells as a bit set (one bit per cell, in 64-bit words), so the
        # feasibility of every swap at once is one AND over profile pairs.
        cells = len(instance.quotas)
        self.cell_word = np.arange(cells) // 64
        self.cell_bit = np.left_shift(np.uint64(1), (np.arange(cells) % 64).astype(np.uint64))
        feature_of = {f: j for j, f in enumerate(instance.features)}
        self.cell_feature = np.array([feature_of.get(q.feature, -1) for q in instance.quotas], dtype=np.int64)
        self.profile_bits = np.zeros((model.num_profiles, max(1, -(-cells // 64))), dtype=np.uint64)
        rows = np.repeat(np.arange(model.num_profiles), self.num_features)
        flat = self.values.ravel()
        np.bitwise_or.at(self.profile_bits, (rows, self.cell_word[flat]), self.cell_bit[flat])

    def _feasible_swaps(
        self, out: np.ndarray, cand: np.ndarray, can_remove: np.ndarray, can_add: np.ndarray
    ) -> np.ndarray:
        """Return ``ok[i, j]``: may one member of profile ``out[i]`` make way for ``cand[j]``?

        In every feature the two must share a cell, or ``p``'s cell may lose a seat and ``q``'s
        may gain one. So ``p`` accepts, per feature, its own cell plus (if its cell may lose a
        seat) every cell of the feature that may gain one; ``q`` fits if all its cells are
        accepted. (Bit sets, not matrix products: a threaded BLAS on a busy machine made the
        tiny products of the earlier formulation ten times slower than the rest of the search.)
        """
        addable = can_add & (self.cell_feature >= 0)
        words = self.profile_bits.shape[1]
        add_bits = np.zeros((max(1, self.num_features), words), dtype=np.uint64)
        np.bitwise_or.at(
            add_bits,
            (self.cell_feature[addable], self.cell_word[addable]),
            self.cell_bit[addable],
        )
        accepted = self.profile_bits[out].copy()
        removable = can_remove[self.values[out]]  # out × features
        for j in range(self.num_features):
            accepted |= np.where(removable[:, j, None], add_bits[j][None, :], np.uint64(0))
        cand_bits = self.profile_bits[cand]
        ok: np.ndarray
        if words == 1:
            ok = (cand_bits[None, :, 0] & ~accepted[:, None, 0]) == 0
        else:
            ok = ((cand_bits[None, :, :] & ~accepted[:, None, :]) == 0).all(axis=2)
        return ok

    def improve(self, x: np.ndarray, weights: np.ndarray, max_steps: int = 1000) -> np.ndarray:
        """Return a swap-local optimum of ``weights @ x`` reached from ``x``."""
        model = self.model
        x = x.copy()
        counts = model.incidence @ x
        has_house = bool(model.household_incidence.size)
        hcount = model.household_incidence @ x if has_house else None
        mult = model.multiplicity
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
            ok = self._feasible_swaps(out, cand, counts > qmin, counts < qmax)
            gain = weights[cand][None, :] - w_out[:, None]
            gain[~ok] = -np.inf
            if hcount is not None:
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
