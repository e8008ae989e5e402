"""Plain result dataclasses returned by the selection algorithms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .instance import Instance, ProfileModel

#: Progress hook: called with a phase name and the fraction (0..1) of the whole run done.
ProgressCallback = Callable[[str, float], None]


@dataclass
class SolverStats:
    """Work counters and timings of one optimisation run."""

    seconds: float = 0.0
    profiles: int = 0
    people: int = 0
    stages: int = 0
    lp_solves: int = 0
    ilp_solves: int = 0
    heuristic_columns: int = 0
    exact_columns: int = 0
    initial_columns: int = 0
    columns: int = 0
    #: "relaxation" when the LP-relaxation LEXIMIN was decomposed exactly (fast path),
    #: "column-generation" when the exact stage-wise method ran.
    path: str = ""
    phase_seconds: dict[str, float] = field(default_factory=dict)
    #: What had to be recovered, in words: an LP solved again with HiGHS's defaults after its
    #: own settings hit a limit, or the relaxation shortcut left for the exact method.
    recoveries: list[str] = field(default_factory=list)


@dataclass
class Distribution:
    """A lottery over panel compositions and the selection probabilities it implies.

    ``compositions[i][p]`` seats go to profile ``p`` in composition ``i``, drawn with
    probability ``probabilities[i]``. Every member of profile ``p`` is then selected with
    probability ``profile_probabilities[p]``. ``minimum`` is the smallest selection probability
    over people who can sit on some valid panel; people who cannot are listed in ``unselectable``.
    """

    method: str
    instance: Instance
    profiles: ProfileModel
    compositions: list[tuple[int, ...]]
    probabilities: list[float]
    profile_probabilities: list[float]
    person_probabilities: dict[str, float]
    minimum: float
    unselectable: list[str]
    stats: SolverStats

    def composition_matrix(self) -> np.ndarray:
        """Return the compositions as an integer array (compositions × profiles)."""
        return np.array(self.compositions, dtype=np.int64).reshape(
            len(self.compositions), self.profiles.num_profiles
        )


@dataclass
class DrawResult:
    """One drawn panel and how to reproduce it."""

    panel: list[str]
    seed: int
    method: str
    composition_index: int | None = None
    composition: tuple[int, ...] | None = None


@dataclass
class ReplacementResult:
    """Replacements for people who declined, and the resulting panel."""

    replacements: list[str]
    panel: list[str]
    seed: int
    same_profile: bool
