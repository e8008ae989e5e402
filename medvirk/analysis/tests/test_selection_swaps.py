"""The swap search's feasibility test (bit sets) against the definition, cell by cell."""

from __future__ import annotations

import numpy as np
import pytest

from medvirk.analysis.selection import Instance, Quota
from medvirk.analysis.selection.compositions import SwapSearch
from medvirk.analysis.selection.instance import build_profiles


def _instance(rng: np.random.Generator, features: int, values: int, n: int) -> Instance:
    names = [f"f{j}" for j in range(features)]
    people = {f"p{i:04d}": {f: f"v{int(rng.integers(values))}" for f in names} for i in range(n)}
    quotas = [Quota(f, f"v{v}", 0, 5) for f in names for v in range(values)]
    return Instance(people=people, quotas=quotas, k=5)


@pytest.mark.parametrize(("features", "values"), [(0, 1), (3, 4), (5, 6), (4, 20)])  # 80 cells: two words
def test_feasible_swaps_match_the_definition(features: int, values: int) -> None:
    rng = np.random.default_rng(features * 100 + values)
    model = build_profiles(_instance(rng, features, values, n=300))
    search = SwapSearch(model)
    cells = len(model.instance.quotas)
    for _ in range(20):
        can_remove = rng.random(cells) < 0.5
        can_add = rng.random(cells) < 0.5
        out = rng.choice(model.num_profiles, size=min(7, model.num_profiles), replace=False)
        cand = np.arange(model.num_profiles)
        ok = search._feasible_swaps(out, cand, can_remove, can_add)
        vals = search.values
        for i, p in enumerate(out):
            for j, q in enumerate(cand):
                want = all(
                    vals[p, f] == vals[q, f] or (can_remove[vals[p, f]] and can_add[vals[q, f]])
                    for f in range(search.num_features)
                )
                assert ok[i, j] == want, (p, q)
