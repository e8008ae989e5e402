"""Selection instances: pool, quotas, panel size, and their profile structure.

A *profile* is a class of interchangeable pool members: people with the same value for every
quota feature (and, when the one-per-household rule is on, the same household if their household
has more than one member in the pool). Every symmetric fairness objective — LEXIMIN included —
gives all members of a profile the same selection probability, so the optimisers work on profile
counts instead of individual people.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class InstanceError(ValueError):
    """Raise when an instance is malformed (unknown feature value, duplicate id, bad quota)."""


@dataclass(frozen=True)
class Quota:
    """Bounds on how many panel members may have ``feature == value``."""

    feature: str
    value: str
    min: int
    max: int


@dataclass
class Instance:
    """A panel-selection problem: pool members, quotas and the panel size ``k``.

    ``people`` maps a person id to that person's value for every quota feature. ``households``
    optionally maps a person id to a household key; when given, at most one member per household
    may sit on the panel.
    """

    people: dict[str, dict[str, str]]
    quotas: list[Quota]
    k: int
    households: dict[str, str] | None = None
    name: str = ""

    @property
    def n(self) -> int:
        """Return the pool size."""
        return len(self.people)

    @property
    def features(self) -> list[str]:
        """Return the quota features in first-seen order."""
        seen: dict[str, None] = {}
        for quota in self.quotas:
            seen.setdefault(quota.feature, None)
        return list(seen)

    def validate(self) -> None:
        """Raise :class:`InstanceError` when a person's value has no quota row or bounds clash."""
        cells = {(q.feature, q.value) for q in self.quotas}
        if len(cells) != len(self.quotas):
            raise InstanceError("a feature value appears in more than one quota row")
        for quota in self.quotas:
            if quota.min < 0 or quota.max < quota.min:
                raise InstanceError(
                    f"quota {quota.feature}={quota.value}: need 0 <= min <= max, "
                    f"got min {quota.min}, max {quota.max}"
                )
        if self.k < 0:
            raise InstanceError("the panel size must not be negative")
        features = self.features
        for pid, values in self.people.items():
            for feature in features:
                if feature not in values:
                    raise InstanceError(f"person {pid} has no value for feature {feature!r}")
                if (feature, values[feature]) not in cells:
                    raise InstanceError(
                        f"person {pid}: value {values[feature]!r} of feature {feature!r} has no quota row"
                    )


@dataclass
class ProfileModel:
    """Profiles of an instance and the linear constraints on profile counts.

    A composition ``x`` (an integer vector, one entry per profile) is a valid panel shape iff
    ``0 <= x <= multiplicity``, ``sum(x) == k``, ``quota_min <= incidence @ x <= quota_max`` and,
    with households, ``household_incidence @ x <= 1``.
    """

    instance: Instance
    keys: list[tuple[str, ...]]
    members: list[list[str]]
    multiplicity: np.ndarray
    incidence: np.ndarray
    quota_min: np.ndarray
    quota_max: np.ndarray
    household_incidence: np.ndarray
    profile_of: dict[str, int] = field(default_factory=dict)

    @property
    def num_profiles(self) -> int:
        """Return the number of profiles."""
        return len(self.keys)

    def is_valid(self, composition: Sequence[int] | np.ndarray) -> bool:
        """Return whether ``composition`` satisfies size, multiplicity, quota and household rules."""
        x = np.asarray(composition, dtype=np.int64)
        if x.shape != (self.num_profiles,):
            return False
        if np.any(x < 0) or np.any(x > self.multiplicity) or int(x.sum()) != self.instance.k:
            return False
        counts = self.incidence @ x
        if np.any(counts < self.quota_min) or np.any(counts > self.quota_max):
            return False
        return not (self.household_incidence.size and np.any(self.household_incidence @ x > 1))


def build_profiles(instance: Instance) -> ProfileModel:
    """Group the pool into profiles of interchangeable people, in a deterministic order."""
    instance.validate()
    features = instance.features
    quota_index = {(q.feature, q.value): i for i, q in enumerate(instance.quotas)}
    # Only people sharing a household with another pool member lose their interchangeability.
    household_size: dict[str, int] = {}
    if instance.households is not None:
        for pid in instance.people:
            house_key = instance.households.get(pid)
            if house_key is not None:
                household_size[house_key] = household_size.get(house_key, 0) + 1
    groups: dict[tuple[str, ...], list[str]] = {}
    for pid in sorted(instance.people):
        values = instance.people[pid]
        key = tuple(values[f] for f in features)
        if instance.households is not None:
            house = instance.households.get(pid)
            key = (*key, house if house is not None and household_size[house] > 1 else "")
        groups.setdefault(key, []).append(pid)
    keys = sorted(groups)
    members = [groups[key] for key in keys]
    incidence = np.zeros((len(instance.quotas), len(keys)), dtype=np.int64)
    for p, key in enumerate(keys):
        for feature, value in zip(features, key, strict=False):
            incidence[quota_index[(feature, value)], p] = 1
    houses = sorted({key[-1] for key in keys if instance.households is not None and key[-1]})
    household_incidence = np.zeros((len(houses), len(keys)), dtype=np.int64)
    house_row = {h: i for i, h in enumerate(houses)}
    for p, key in enumerate(keys):
        if houses and key[-1]:
            household_incidence[house_row[key[-1]], p] = 1
    profile_of = {pid: p for p, group in enumerate(members) for pid in group}
    return ProfileModel(
        instance=instance,
        keys=keys,
        members=members,
        multiplicity=np.array([len(g) for g in members], dtype=np.int64),
        incidence=incidence,
        quota_min=np.array([q.min for q in instance.quotas], dtype=np.int64),
        quota_max=np.array([q.max for q in instance.quotas], dtype=np.int64),
        household_incidence=household_incidence,
        profile_of=profile_of,
    )


def panel_quota_counts(instance: Instance, panel: Sequence[str]) -> dict[tuple[str, str], int]:
    """Count panel members per (feature, value) quota cell."""
    counts = {(q.feature, q.value): 0 for q in instance.quotas}
    for pid in panel:
        for feature, value in instance.people[pid].items():
            if (feature, value) in counts:
                counts[(feature, value)] += 1
    return counts


def panel_violations(instance: Instance, panel: Sequence[str]) -> list[str]:
    """Return human-readable rule violations of ``panel`` (empty when it is valid)."""
    problems: list[str] = []
    if len(panel) != instance.k:
        problems.append(f"the panel has {len(panel)} members, not {instance.k}")
    if len(set(panel)) != len(panel):
        problems.append("someone appears twice on the panel")
    counts = panel_quota_counts(instance, panel)
    for quota in instance.quotas:
        got = counts[(quota.feature, quota.value)]
        if not quota.min <= got <= quota.max:
            problems.append(f"{quota.feature}={quota.value}: {got} members, allowed {quota.min}..{quota.max}")
    if instance.households is not None:
        seen: dict[str, str] = {}
        for pid in panel:
            house = instance.households.get(pid)
            if house is None:
                continue
            if house in seen:
                problems.append(f"{seen[house]} and {pid} share household {house}")
            seen[house] = pid
    return problems


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
            for row in csv.DictReader(handle)
        ]


def quotas_from_rows(rows: Sequence[Mapping[str, str]]) -> list[Quota]:
    """Parse quota rows in either layout: ``feature,value,min,max`` or ``category,feature,…``.

    The paper's replication files call the feature a *category* and its value a *feature*.
    """
    quotas = []
    for row in rows:
        if "category" in row:
            feature, value = row["category"], row["feature"]
        else:
            feature, value = row["feature"], row["value"]
        quotas.append(Quota(feature, value, int(row["min"]), int(row["max"])))
    return quotas


def load_instance(
    folder: str | Path, k: int | None = None, household_columns: Sequence[str] = ()
) -> Instance:
    """Load an instance folder (``categories.csv`` + ``people.csv`` or ``respondents.csv``).

    ``k`` defaults to the number after the last underscore of the folder name (``n1000_k040``,
    ``example_small_20``). Pools without an ``id`` column get ids ``r0001``… by row order.
    ``household_columns`` name the address columns that identify a household.
    """
    folder = Path(folder)
    quotas = quotas_from_rows(_read_csv(folder / "categories.csv"))
    pool_file = folder / "people.csv"
    if not pool_file.exists():
        pool_file = folder / "respondents.csv"
    rows = _read_csv(pool_file)
    features = list(dict.fromkeys(q.feature for q in quotas))
    people: dict[str, dict[str, str]] = {}
    households: dict[str, str] | None = {} if household_columns else None
    width = max(4, len(str(len(rows))))
    for i, row in enumerate(rows, start=1):
        pid = row.get("id") or f"r{i:0{width}d}"
        if pid in people:
            raise InstanceError(f"duplicate person id {pid!r} in {pool_file.name}")
        people[pid] = {f: row[f] for f in features}
        if households is not None:
            households[pid] = "|".join(row[c].casefold() for c in household_columns)
    if k is None:
        digits = folder.name.rsplit("_", 1)[-1].lstrip("k")
        if not digits.isdigit():
            raise InstanceError(f"cannot infer the panel size from folder name {folder.name!r}")
        k = int(digits)
    instance = Instance(people=people, quotas=quotas, k=k, households=households, name=folder.name)
    instance.validate()
    return instance
