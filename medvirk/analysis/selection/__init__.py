"""Fair panel selection (sortition): LEXIMIN lotteries on HiGHS, draws, feasibility checks.

Pure Python + numpy + highspy; no Django. Typical use::

    instance = load_instance(folder)             # or build Instance(...) from the database
    report = check_feasibility(instance)         # instant, with readable reasons
    dist = find_leximin(instance, progress=cb)   # cb(phase: str, fraction: float)
    result = draw_panel(dist, seed=published_seed)
    again = draw_replacements(instance, result.panel, declined=["p0042"], seed=other_seed)
"""

from ._highs import SolverLimitError, SolverLimits
from .draw import SelectionFailed, draw_legacy, draw_panel, draw_replacements
from .feasibility import FeasibilityIssue, FeasibilityReport, QuotaChange, check_feasibility
from .instance import (
    Instance,
    InstanceError,
    ProfileModel,
    Quota,
    build_profiles,
    load_instance,
    panel_violations,
)
from .leximin import InfeasibleQuotasError, find_leximin, find_maximin
from .results import Distribution, DrawResult, ProgressCallback, ReplacementResult, SolverStats

__all__ = [
    "Distribution",
    "DrawResult",
    "FeasibilityIssue",
    "FeasibilityReport",
    "InfeasibleQuotasError",
    "Instance",
    "InstanceError",
    "ProfileModel",
    "ProgressCallback",
    "Quota",
    "QuotaChange",
    "ReplacementResult",
    "SelectionFailed",
    "SolverLimitError",
    "SolverLimits",
    "SolverStats",
    "build_profiles",
    "check_feasibility",
    "draw_legacy",
    "draw_panel",
    "draw_replacements",
    "find_leximin",
    "find_maximin",
    "load_instance",
    "panel_violations",
]
