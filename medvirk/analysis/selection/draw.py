"""Drawing panels: from a distribution, replacements for decliners, and the LEGACY greedy draw.

Every draw is reproducible from a published integer seed: randomness comes only from
``numpy.random.Generator(PCG64(seed))`` and only through ``Generator.random()`` (53-bit uniform
doubles), whose stream is stable; the selection steps on top of it are spelled out here
(inverse-CDF choice of the composition, partial Fisher–Yates within each profile), so anyone can
re-derive a panel from the distribution and the seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ._highs import DEFAULT_LIMITS, Budget, SolverLimits
from .compositions import CompositionOracle
from .instance import Instance, Quota, build_profiles, panel_quota_counts, panel_violations
from .results import Distribution, DrawResult, ReplacementResult


class SelectionFailed(RuntimeError):
    """Raise when a draw cannot produce a valid panel."""


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def _below(rng: np.random.Generator, n: int) -> int:
    """Return a uniform integer in ``[0, n)`` from one uniform double."""
    return min(int(rng.random() * n), n - 1)


def _sample(rng: np.random.Generator, items: Sequence[str], count: int) -> list[str]:
    """Return ``count`` distinct items chosen uniformly (partial Fisher–Yates)."""
    pool = list(items)
    for i in range(count):
        j = i + _below(rng, len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


def draw_panel(distribution: Distribution, seed: int) -> DrawResult:
    """Draw a panel: pick a composition by its probability, then members uniformly per profile."""
    rng = _rng(seed)
    probs = np.asarray(distribution.probabilities, dtype=np.float64)
    cumulative = np.cumsum(probs)
    index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    index = min(index, len(probs) - 1)
    composition = distribution.compositions[index]
    panel: list[str] = []
    for p, count in enumerate(composition):
        if count:
            panel.extend(_sample(rng, distribution.profiles.members[p], count))
    return DrawResult(
        panel=sorted(panel),
        seed=seed,
        method=distribution.method,
        composition_index=index,
        composition=composition,
    )


def _cells(instance: Instance, pid: str) -> tuple[str, ...]:
    return tuple(instance.people[pid][f] for f in instance.features)


def draw_replacements(
    instance: Instance,
    panel: Sequence[str],
    declined: Iterable[str],
    seed: int,
    *,
    unavailable: Iterable[str] = (),
    limits: SolverLimits = DEFAULT_LIMITS,
) -> ReplacementResult:
    """Replace panel members who declined, keeping every quota (and the household rule).

    First each decliner is replaced by a uniformly drawn available volunteer with the very same
    quota cells, which leaves all quota counts unchanged. Decliners without such a twin are
    replaced together: a random valid composition of the missing seats is chosen by an ILP with
    seeded random weights, then its members uniformly within each profile. ``unavailable``
    lists people who must not be drawn (earlier decliners, people who withdrew).
    Raise :class:`SelectionFailed` when no valid replacement exists, and
    :class:`~._highs.SolverLimitError` when the ILP cannot decide within its limits.
    """
    rng = _rng(seed)
    declined = list(dict.fromkeys(declined))
    missing = [pid for pid in declined if pid not in panel]
    if missing:
        raise ValueError(f"not on the panel: {', '.join(missing)}")
    blocked = set(panel) | set(declined) | set(unavailable)
    remaining = [pid for pid in panel if pid not in set(declined)]
    houses = instance.households
    taken_houses = {houses.get(pid) for pid in remaining} - {None} if houses else set()

    def available(pid: str) -> bool:
        if pid in blocked:
            return False
        return not (houses and houses.get(pid) is not None and houses[pid] in taken_houses)

    twins: dict[tuple[str, ...], list[str]] = {}
    for pid in sorted(instance.people):
        if available(pid):
            twins.setdefault(_cells(instance, pid), []).append(pid)
    chosen: list[str] = []
    unmatched: list[str] = []
    for pid in declined:
        options = [c for c in twins.get(_cells(instance, pid), []) if available(c)]
        if not options:
            unmatched.append(pid)
            continue
        pick = options[_below(rng, len(options))]
        chosen.append(pick)
        blocked.add(pick)
        if houses and houses.get(pick) is not None:
            taken_houses.add(houses[pick])
    if unmatched:
        try:
            chosen.extend(
                _replace_by_ilp(instance, remaining + chosen, len(unmatched), available, rng, limits)
            )
        except SelectionFailed:
            # The twins drawn above may block the other seats; refill all seats jointly.
            for pick in chosen:
                blocked.discard(pick)
                if houses and houses.get(pick) is not None:
                    taken_houses.discard(houses[pick])
            unmatched = declined
            chosen = _replace_by_ilp(instance, remaining, len(declined), available, rng, limits)
    new_panel = sorted(remaining + chosen)
    problems = panel_violations(instance, new_panel)
    if problems:
        raise SelectionFailed("replacement broke the rules: " + "; ".join(problems))
    return ReplacementResult(replacements=chosen, panel=new_panel, seed=seed, same_profile=not unmatched)


def _replace_by_ilp(
    instance: Instance,
    base: list[str],
    seats: int,
    available: object,
    rng: np.random.Generator,
    limits: SolverLimits,
) -> list[str]:
    counts = panel_quota_counts(instance, base)
    quotas = []
    for q in instance.quotas:
        have = counts[(q.feature, q.value)]
        if have > q.max:
            raise SelectionFailed(f"{q.feature}={q.value} is already over its maximum")
        quotas.append(Quota(q.feature, q.value, max(q.min - have, 0), q.max - have))
    pool = {pid: instance.people[pid] for pid in sorted(instance.people) if available(pid)}  # type: ignore[operator]
    sub = Instance(people=pool, quotas=quotas, k=seats, households=instance.households)
    if seats > len(pool):
        raise SelectionFailed(f"only {len(pool)} volunteers left for {seats} seats")
    model = build_profiles(sub)
    oracle = CompositionOracle(model, Budget(limits))
    # Random weights make every valid composition a possible outcome.
    x, _, _ = oracle.solve(np.array([rng.random() for _ in range(model.num_profiles)]))
    if x is None:
        raise SelectionFailed("no replacement keeps all quotas; relax quotas or re-draw")
    picks: list[str] = []
    for p, count in enumerate(x):
        if count:
            picks.extend(_sample(rng, model.members[p], int(count)))
    return picks


def draw_legacy(instance: Instance, seed: int, *, max_attempts: int = 100) -> DrawResult:
    """Draw a panel with the LEGACY greedy algorithm (as in sortition-algorithms' ``legacy``).

    Repeatedly take the quota cell with the largest ratio (min − selected) / remaining volunteers,
    select a uniformly random volunteer from it, and remove everyone in cells that reached their
    maximum (and, with households, the selected person's housemates). Restart on failure, up to
    ``max_attempts`` times. Reimplemented here because sortition-algorithms draws from a
    process-global random provider (``secrets`` unless globally re-seeded), which neither
    reproduces from a per-draw seed nor is safe under concurrent web requests.
    """
    rng = _rng(seed)
    features = instance.features
    quota = {(q.feature, q.value): q for q in instance.quotas}
    houses = instance.households or {}
    for _ in range(max_attempts):
        remaining = [pid for pid in sorted(instance.people)]
        remaining = [
            pid for pid in remaining if all(quota[(f, instance.people[pid][f])].max > 0 for f in features)
        ]
        selected: list[str] = []
        counts = dict.fromkeys(quota, 0)
        failed = False
        for _seat in range(instance.k):
            by_cell: dict[tuple[str, str], list[str]] = {cell: [] for cell in quota}
            for pid in remaining:
                for f in features:
                    by_cell[(f, instance.people[pid][f])].append(pid)
            best, best_ratio = None, -100.0
            for cell, q in quota.items():
                avail = len(by_cell[cell])
                needed = q.min - counts[cell]
                if needed > avail:
                    failed = True
                    break
                if avail == 0 or q.max == 0:
                    continue
                ratio = needed / avail
                if ratio > best_ratio:
                    best, best_ratio = cell, ratio
            if failed or best is None:
                failed = True
                break
            pick = by_cell[best][_below(rng, len(by_cell[best]))]
            selected.append(pick)
            for f in features:
                counts[(f, instance.people[pick][f])] += 1
            house = houses.get(pick)
            full = {
                cell
                for cell in quota
                if counts[cell] >= quota[cell].max and cell[1] == instance.people[pick][cell[0]]
            }
            remaining = [
                pid
                for pid in remaining
                if pid != pick
                and not (house is not None and houses.get(pid) == house)
                and not any((f, instance.people[pid][f]) in full for f in features)
            ]
        if not failed and not panel_violations(instance, selected):
            return DrawResult(panel=sorted(selected), seed=seed, method="legacy")
    raise SelectionFailed(f"LEGACY found no valid panel in {max_attempts} attempts")
