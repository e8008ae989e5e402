# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmark k-anonymity by local suppression (``analysis.kanonymity.local_suppression``), the step a
response-level file runs before its first row is written; write RESULTS.md next to this file.

The rows are synthetic and seeded, shaped as the demo's: 100 units of very different sizes, eight
languages (nine in ten answer in bokmål), six background questions with 2–8 categories each and
"prefer not to say", three in four rows through a code or an invitation (they count towards k).
The budget: 20,000 responses in under 10 s on one core (a large municipality's round, exported from
the results page while the person waits; larger files go to a background job with progress).

Run: ``.venv/bin/python bench/kanonymity/run.py`` (from the repository root, on a quiet machine).
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from medvirk.analysis.kanonymity import local_suppression

SIZES = (2_000, 20_000, 100_000)
K = 5
BUDGET_20K = 10.0  # seconds
CATEGORIES = (2, 3, 5, 6, 8, 4)  # gender, immigrant background, age band, district, …


def rows_for(n: int, seed: int = 2026) -> tuple[list[tuple[str | None, ...]], list[bool]]:
    rng = random.Random(seed)
    units = [f"u{i}" for i in range(100)]
    weights = [1 + (i % 10) ** 2 for i in range(100)]  # a few large units, many small ones
    languages = ["nb"] * 90 + ["nn", "en", "ar", "so", "pl", "ti", "uk"] * 1 + ["nn"] * 3
    rows, counted = [], []
    for i in range(n):
        background = tuple(
            "prefer_not" if rng.random() < 0.04 else f"c{min(int(rng.expovariate(1.2)), size - 1)}"
            for size in CATEGORIES
        )
        rows.append((rng.choices(units, weights)[0], rng.choice(languages), *background))
        counted.append(i % 4 != 3)
    return rows, counted


def main() -> None:
    lines = []
    for n in SIZES:
        rows, counted = rows_for(n)
        start, cpu = time.perf_counter(), time.process_time()
        result = local_suppression(rows, counted, K)
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        values = len(rows) * len(rows[0])
        withheld = sum(len(w) for w in result if w is not None)
        left_out = sum(w is None for w in result)
        lines.append(f"| {n:,} | {wall:.1f} s | {used:.1f} s | {withheld / values:.0%} | {left_out} |")
        print(lines[-1], flush=True)
    load = os.getloadavg()[0]
    text = (
        "# k-anonymity of response-level files (`analysis.kanonymity.local_suppression`)\n\n"
        f"Budget: 20,000 responses in under {BUDGET_20K:.0f} s on one core (k = {K}). "
        f"Synthetic rows (see run.py); {platform.python_version()}, load {load:.1f} when it ended.\n\n"
        "| responses | wall | CPU | values withheld | rows left out |\n| --- | --- | --- | --- | --- |\n"
        + "\n".join(lines)
        + "\n"
    )
    (Path(__file__).parent / "RESULTS.md").write_text(text)


if __name__ == "__main__":
    main()
