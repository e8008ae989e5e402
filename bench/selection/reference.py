"""Time sortition-algorithms' MAXIMIN (the reference) on one instance and print JSON.

Usage: ``.venv/bin/python bench/selection/reference.py FOLDER BACKEND [--legacy]``.
Each run goes in its own process so a time-out can kill it cleanly.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from medvirk.analysis.selection.instance import Instance, load_instance  # noqa: E402


def to_sortition(instance: Instance) -> tuple[object, object]:
    """Convert an :class:`Instance` into sortition-algorithms' features and people."""
    from sortition_algorithms.features import read_in_features
    from sortition_algorithms.people import read_in_people
    from sortition_algorithms.settings import Settings

    body = [
        {"feature": q.feature, "value": q.value, "min": str(q.min), "max": str(q.max)}
        for q in instance.quotas
    ]
    features, _, _ = read_in_features(["feature", "value", "min", "max"], body, instance.k)
    settings = Settings(id_column="id", columns_to_keep=[])
    head = ["id", *instance.features]
    people_body = [{"id": pid, **values} for pid, values in instance.people.items()]
    people, _ = read_in_people(head, people_body, features, settings)
    return features, people


def main() -> None:
    """Run one reference solve and print its time and minimum probability as JSON."""
    folder, backend = sys.argv[1], sys.argv[2]
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

    if folder.startswith("synthetic:"):
        from generate import synthetic_instance

        n = int(folder.split(":")[1])
        instance = synthetic_instance(n=n, k=40, seed=3000 + n)
    else:
        instance = load_instance(folder)
    features, people = to_sortition(instance)
    start, cpu_start = time.perf_counter(), time.process_time()
    committees, probabilities, _ = find_distribution_maximin(features, people, instance.k, [], backend)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    marginal = dict.fromkeys(instance.people, 0.0)
    for committee, prob in zip(committees, probabilities, strict=True):
        for pid in committee:
            marginal[pid] += prob
    print(
        json.dumps(
            {
                "instance": instance.name or folder,
                "backend": backend,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "min_probability": min(marginal.values()),
                "panels": len(committees),
            }
        )
    )


if __name__ == "__main__":
    main()
