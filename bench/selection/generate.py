"""Generate synthetic, realistic selection instances like the shared ``n1000_k040``.

Five features (gender, age, district, education, immigrant); quotas proportional to a population
model ±1 seat; a volunteer pool skewed the way real pools are (young, low-education and
immigrant people answer less often). Everything is drawn from one seeded PCG64 generator.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from medvirk.analysis.selection.instance import Instance, Quota

POPULATION: dict[str, dict[str, float]] = {
    "gender": {"female": 0.51, "male": 0.48, "other": 0.01},
    "age": {"16-24": 0.12, "25-34": 0.16, "35-49": 0.24, "50-64": 0.26, "65+": 0.22},
    "district": dict(
        zip(
            [f"D{i:02d}" for i in range(1, 11)],
            [0.08, 0.13, 0.13, 0.13, 0.13, 0.02, 0.06, 0.08, 0.11, 0.08],
            strict=True,
        )
    ),
    "education": {"low": 0.29, "medium": 0.46, "high": 0.25},
    "immigrant": {"yes": 0.26, "no": 0.74},
}
#: Relative response propensity; values not listed respond with propensity 1.
RESPONSE: dict[tuple[str, str], float] = {
    ("age", "16-24"): 0.45,
    ("age", "25-34"): 0.7,
    ("education", "low"): 0.45,
    ("education", "high"): 1.6,
    ("immigrant", "yes"): 0.5,
    ("gender", "other"): 0.8,
}


def synthetic_instance(n: int, k: int = 40, seed: int = 0) -> Instance:
    """Return an instance with a skewed pool of ``n`` people and proportional ±1 quotas."""
    return skewed_pool(POPULATION, RESPONSE, n, k, seed, name=f"synthetic_n{n:04d}_k{k:03d}")


def skewed_pool(
    population: dict[str, dict[str, float]],
    response: dict[tuple[str, str], float],
    n: int,
    k: int,
    seed: int,
    name: str,
) -> Instance:
    """Return ``n`` people drawn from ``population`` as ``response`` skews who volunteers, with
    quotas proportional to ``population`` ±1 seat of ``k``, all from one PCG64 generator."""
    rng = np.random.Generator(np.random.PCG64(seed))
    quotas = []
    for feature, shares in population.items():
        for value, share in shares.items():
            quotas.append(Quota(feature, value, max(0, math.floor(share * k) - 1), math.ceil(share * k) + 1))
    people: dict[str, dict[str, str]] = {}
    width = max(5, len(str(n)))
    for i in range(1, n + 1):
        person = {}
        for feature, shares in population.items():
            values = list(shares)
            weights = np.array([shares[v] * response.get((feature, v), 1.0) for v in values])
            person[feature] = values[int(rng.choice(len(values), p=weights / weights.sum()))]
        people[f"p{i:0{width}d}"] = person
    return Instance(people=people, quotas=quotas, k=k, name=name)


def write_instance(instance: Instance, folder: Path) -> None:
    """Write ``categories.csv`` and ``people.csv`` in the shared synthetic layout."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "categories.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["feature", "value", "min", "max"])
        for q in instance.quotas:
            writer.writerow([q.feature, q.value, q.min, q.max])
    with (folder / "people.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", *instance.features])
        for pid, values in instance.people.items():
            writer.writerow([pid, *(values[f] for f in instance.features)])


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"synthetic_n{size}")
    write_instance(synthetic_instance(size, seed=3000 + size), out)
    print(out)
