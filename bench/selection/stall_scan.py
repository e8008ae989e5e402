"""Look for LEXIMIN draws whose LPs stall: 3,000-person pools with six features and k = 20.

Issue 16 reported a held-out pool of this shape on which ``find_leximin(seed=0)`` never returned:
one LP stalled in HiGHS with the models' own settings (primal simplex, presolve off). This script
draws pools like it (``generate.py``'s five features plus language), runs ``find_leximin`` for
the given seeds and prints one JSON line per draw: CPU seconds, path, the largest LP (iterations,
CPU seconds) and what had to be recovered. An LP that hits a limit is written to ``--dump`` as MPS
so it can become a regression test.

Usage::

    .venv/bin/python bench/selection/stall_scan.py --pools 0-5 --seeds 0 [--dump /tmp/stalls]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import highspy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from generate import POPULATION, RESPONSE, skewed_pool  # noqa: E402

from medvirk.analysis.selection import Instance, SolverLimitError, find_leximin  # noqa: E402
from medvirk.analysis.selection._highs import Solver  # noqa: E402

SIX = {**POPULATION, "language": {"norwegian": 0.78, "other_nordic": 0.04, "other": 0.18}}
SIX_RESPONSE = {**RESPONSE, ("language", "other"): 0.5}


def six_feature_pool(n: int, k: int, seed: int) -> Instance:
    """Return a skewed pool of ``n`` with six features and proportional ±1-seat quotas."""
    return skewed_pool(SIX, SIX_RESPONSE, n, k, seed, name=f"six_n{n}_k{k}_pool{seed}")


def _span(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", default="0-5", help="pool seeds, e.g. 0-5")
    parser.add_argument("--seeds", default="0", help="find_leximin seeds, e.g. 0-2")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--dump", type=Path, default=None, help="folder for LPs that hit a limit")
    args = parser.parse_args()
    calls: list[tuple[str, int, float, str]] = []
    real = Solver._attempt

    def attempt(self: Solver) -> highspy.HighsModelStatus:
        start = time.process_time()
        status = real(self)
        iterations = int(self.getInfo().simplex_iteration_count)
        calls.append((self.what, iterations, time.process_time() - start, str(status)))
        if args.dump is not None and status != highspy.HighsModelStatus.kOptimal and not self.mip:
            args.dump.mkdir(parents=True, exist_ok=True)
            self.writeModel(str(args.dump / f"{instance.name}_seed{seed}_{len(calls)}.mps"))
        return status

    Solver._attempt = attempt  # type: ignore[method-assign]
    for pool in _span(args.pools):
        instance = six_feature_pool(args.n, args.k, pool)
        for seed in _span(args.seeds):
            calls.clear()
            start = time.process_time()
            line: dict[str, object] = {"pool": pool, "seed": seed}
            try:
                dist = find_leximin(instance, seed=seed)
                line |= {"path": dist.stats.path, "profiles": dist.stats.profiles, "minimum": dist.minimum}
                line["recoveries"] = dist.stats.recoveries
            except SolverLimitError as error:
                line["error"] = str(error)
            lps = [c for c in calls if c[0] != "panel-finding ILP"]
            line["cpu_seconds"] = round(time.process_time() - start, 2)
            line["lp_calls"] = len(lps)
            line["largest_lp_iterations"] = max((c[1] for c in lps), default=0)
            line["slowest_lp_cpu_seconds"] = round(max((c[2] for c in lps), default=0.0), 2)
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
