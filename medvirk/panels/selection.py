"""Fair selection for a panel: build the instance from the pool, check, select, reproduce, replace.

The algorithms live in :mod:`medvirk.analysis.selection`; this module moves data between them
and the database. A run stores the pool snapshot (person id → quota values, hashed household),
the quotas, the lottery and the seed, so anyone can repeat the draw and get the same panel.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medvirk.analysis.selection import (
    Distribution,
    FeasibilityIssue,
    FeasibilityReport,
    Instance,
    Quota,
    SelectionFailed,
    SolverLimitError,
    SolverLimits,
    SolverStats,
    build_profiles,
    check_feasibility,
    draw_legacy,
    draw_panel,
    draw_replacements,
    find_leximin,
)
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.errors import ServiceError
from medvirk.core.jobs import latest_job
from medvirk.core.models import Job

from .choices import FEATURES, PanelMethod, feature_choices, value_label
from .enums import PanelsErrorCode
from .models import MemberStatus, Panel, PanelMember, SelectionRun, Volunteer

#: The largest pool drawn from. Draws run as background jobs (``panels/jobs.py``); LEXIMIN takes
#: about 9 s at 3,000 volunteers, and its time grows with the number of distinct profiles.
MAX_POOL = 5000
SELECT_JOB = "panels.select"
#: Solver limits of a draw (a background job): every LP/ILP call gets a minute and 100,000
#: iterations, the whole draw 20 minutes; a stalled call is solved again with other settings.
DRAW_LIMITS = SolverLimits()
#: The quota check on the panel page and replacements run inside a request: far less time.
CHECK_LIMITS = SolverLimits(call_seconds=5.0, run_seconds=10.0)

#: ``progress(phase, fraction)``, the same shape as the algorithm's own callback.
PhaseProgress = Callable[[str, float], None]


def pool_for(municipality_id: int) -> list[Volunteer]:
    """Return the confirmed volunteers of a municipality (the pool panels are drawn from)."""
    return list(
        Volunteer.objects.filter(municipality_id=municipality_id, email_confirmed=True).order_by("pk")
    )


def _household(key: str) -> str:
    return hashlib.sha256(key.strip().casefold().encode()).hexdigest()[:16]


def instance_from(
    *,
    quotas: list[tuple[str, str, int, int]],
    k: int,
    people: dict[str, list[str]],
    features: list[str],
    households: dict[str, str] | None,
) -> Instance:
    """Build an instance; values in the pool without a quota row get the row ``[0, k]``."""
    rows = [Quota(f, v, lo, hi) for f, v, lo, hi in quotas if f in features]
    cells = {(q.feature, q.value) for q in rows}
    persons = {pid: dict(zip(features, values, strict=True)) for pid, values in people.items()}
    for values in persons.values():
        for f, v in values.items():
            if (f, v) not in cells:
                cells.add((f, v))
                rows.append(Quota(f, v, 0, k))
    return Instance(people=persons, quotas=rows, k=k, households=households)


def snapshot(panel: Panel, volunteers: list[Volunteer]) -> dict[str, Any]:
    """Return the inputs of a selection as plain JSON data."""
    quotas = [(q.feature, q.value, q.min, q.max) for q in panel.quotas.all()]
    features = [f for f in FEATURES if any(q[0] == f for q in quotas)]
    people = {v.person_id: [getattr(v, f) for f in features] for v in volunteers}
    households = (
        {v.person_id: _household(v.household_key) for v in volunteers if v.household_key}
        if panel.one_per_household
        else None
    )
    return {
        "quotas": quotas,
        "features": features,
        "people": people,
        "households": households,
        "k": panel.size,
    }


def panel_instance(panel: Panel, volunteers: list[Volunteer] | None = None) -> Instance:
    """Return the selection instance of a panel with the current pool."""
    snap = snapshot(panel, pool_for(panel.municipality_id) if volunteers is None else volunteers)
    return instance_from(**snap)


def _check(
    instance: Instance, *, explain: bool = True, limits: SolverLimits | None = None
) -> FeasibilityReport:
    """``check_feasibility``, except for an empty pool (HiGHS refuses an empty model).

    ``limits`` default to :data:`CHECK_LIMITS` (read when called).
    """
    if not instance.people:
        details = {"seats": instance.k, "pool": 0}
        return FeasibilityReport(False, [FeasibilityIssue("pool_too_small", "empty pool", details=details)])
    return check_feasibility(instance, explain=explain, limits=limits or CHECK_LIMITS)


def _unfinished() -> ServiceError:
    """Return the error of a draw the solver could not finish, in words a coordinator can act on."""
    minutes = max(1, round(DRAW_LIMITS.run_seconds / 60))
    return ServiceError(
        PanelsErrorCode.DRAW_UNFINISHED,
        ngettext(
            "The fair lottery could not be worked out within %(minutes)d minute for this pool and "
            "these quotas, so no panel was drawn. Draw again: a new draw starts from a new seed. If it "
            "happens again, widen one or two quotas by a seat.",
            "The fair lottery could not be worked out within %(minutes)d minutes for this pool and "
            "these quotas, so no panel was drawn. Draw again: a new draw starts from a new seed. If it "
            "happens again, widen one or two quotas by a seat.",
            minutes,
        )
        % {"minutes": minutes},
    )


def feasibility(panel: Panel) -> FeasibilityReport:
    """Check the panel's quotas against the current pool, with explanations."""
    return _check(panel_instance(panel))


def explain(report: FeasibilityReport, municipality: Any) -> list[str]:
    """Return the report's reasons in words a coordinator can act on, with readable group names."""
    choices = feature_choices(municipality)

    def group(feature: str | None, value: str | None) -> str:
        label = str(FEATURES.get(feature or "", feature))
        return f"{label}: {value_label(choices, feature or '', value)}" if value is not None else label

    def conflict_item(text: str) -> str:
        cell, bound, number = text.rsplit(" ", 2)
        feature, _sep, value = cell.partition("=")
        if bound == "min":
            return _("%(group)s at least %(n)s") % {"group": group(feature, value), "n": number}
        return _("%(group)s at most %(n)s") % {"group": group(feature, value), "n": number}

    out = []
    for issue in report.issues:
        d: dict[str, Any] = {
            **issue.details,
            "group": group(issue.feature, issue.value),
            "feature": group(issue.feature, None),
        }
        code = issue.code
        if code == "pool_too_small":
            text = _("The panel has %(seats)d seats but only %(pool)d volunteers are in the pool.") % d
        elif code == "min_exceeds_pool":
            text = (
                _(
                    "%(group)s: at least %(min)d seats are wanted, "
                    "but only %(pool)d such volunteers are in the pool."
                )
                % d
            )
        elif code == "min_sum_exceeds_seats":
            text = (
                _("%(feature)s: the minimums add up to %(sum_min)d, but the panel has %(seats)d seats.") % d
            )
        elif code == "max_sum_below_seats":
            text = (
                _("%(feature)s: the maximums add up to only %(sum_max)d, but the panel has %(seats)d seats.")
                % d
            )
        elif code == "pool_cannot_fill":
            text = (
                _("%(feature)s: with these maximums the pool can fill only %(fillable)d of %(seats)d seats.")
                % d
            )
        elif code == "quota_conflict" and report.conflict:
            text = _(
                "These quotas cannot all be met at once: %(list)s. "
                "Changing any one of them resolves this conflict."
            ) % {"list": "; ".join(conflict_item(c) for c in report.conflict)}
        elif code == "check_unfinished":
            text = _(
                "The check could not finish quickly this time. The draw checks the quotas again and "
                "says so if no panel can meet them."
            )
        elif code == "no_panel":
            text = _(
                "No panel is possible even without quotas: the pool is too small, or the household rule "
                "leaves too few people."
            )
        elif code == "suggestion":
            lower = d.get("suggested", 0) < d.get("current", 0)
            d["bound"] = _("minimum") if lower else _("maximum")
            text = _("Suggestion: change the %(bound)s of %(group)s from %(current)d to %(suggested)d.") % d
        else:
            text = issue.message
        out.append(str(text))
    return out


def new_seed() -> int:
    """Return a fresh seed for a draw (published with the panel)."""
    return secrets.randbelow(2**31)


def _distribution_json(dist: Distribution) -> dict[str, Any]:
    return {
        "compositions": [[int(x) for x in c] for c in dist.compositions],
        "probabilities": [float(p) for p in dist.probabilities],
        "profile_probabilities": [float(p) for p in dist.profile_probabilities],
        "profiles": [list(k) for k in dist.profiles.keys],
        "members": dist.profiles.members,
    }


def check_pool_size(size: int) -> None:
    if size > MAX_POOL:
        raise ServiceError(
            PanelsErrorCode.POOL_TOO_LARGE,
            _("The pool has more than %(n)d volunteers, which is more than a draw can handle.")
            % {"n": MAX_POOL},
        )


def _phase(progress: PhaseProgress | None, phase: str, fraction: float) -> None:
    if progress is not None:
        progress(phase, fraction)


def compute_run(
    panel: Panel, *, seed: int, progress: PhaseProgress | None = None
) -> tuple[SelectionRun, dict[str, Any], list[Volunteer]]:
    """Draw the panel by lot from the current pool; return the unsaved run, its snapshot and the pool.

    ``progress(phase, fraction)`` hears the phases (``check``, the algorithm's own phases,
    ``draw``); ``fraction`` runs from 0 to 1. Nothing is stored: ``services.panel_select`` saves
    the run once it has checked that nothing changed meanwhile.
    """
    volunteers = pool_for(panel.municipality_id)
    check_pool_size(len(volunteers))
    snap = snapshot(panel, volunteers)
    instance = instance_from(**snap)
    _phase(progress, "check", 0.0)
    report = _check(instance, explain=False, limits=DRAW_LIMITS)
    if not report.decided:
        raise _unfinished()
    if not report.feasible:
        raise ServiceError(
            PanelsErrorCode.INFEASIBLE, _("No panel can meet these quotas with this pool. See the check.")
        )
    run = SelectionRun(
        municipality_id=panel.municipality_id,
        panel=panel,
        method=panel.method,
        seed=seed,
        features=snap["features"],
        quotas=[list(q) for q in snap["quotas"]],
        pool_size=len(volunteers),
    )
    pool = {"people": snap["people"], "households": snap["households"]}
    try:
        if panel.method == PanelMethod.LEGACY:
            result = draw_legacy(instance, seed)
            run.distribution = {"pool": pool}
        else:
            algorithm = None if progress is None else (lambda phase, f: progress(phase, 0.05 + 0.89 * f))
            dist = find_leximin(instance, seed=seed, progress=algorithm, limits=DRAW_LIMITS)
            _phase(progress, "draw", 0.95)
            result = draw_panel(dist, seed)
            run.distribution = {**_distribution_json(dist), "pool": pool}
            run.person_probabilities = {p: float(x) for p, x in dist.person_probabilities.items()}
            run.minimum = float(dist.minimum)
            run.stats = {k: v for k, v in asdict(dist.stats).items()}
    except SelectionFailed:  # the core says why in English for analysts; the coordinator reads this
        raise ServiceError(
            PanelsErrorCode.SELECTION_FAILED,
            _(
                "The simple draw found no panel that meets every quota. Use the fair draw, or loosen a "
                "quota or add volunteers to the pool, and draw again."
            ),
        ) from None
    except SolverLimitError:
        raise _unfinished() from None
    run.drawn = list(result.panel)
    return run, snap, volunteers


def compute_replacements(panel: Panel, member: PanelMember, *, seed: int) -> list[Volunteer]:
    """Draw who replaces ``member`` within the run's quota cells (earlier decliners excluded)."""
    run = panel.runs.first()
    if run is None:
        raise ServiceError(PanelsErrorCode.NOT_SELECTED, _("The panel has not been selected yet."))
    seated = list(panel.members.exclude(status=MemberStatus.DECLINED).select_related("volunteer"))
    declined = list(panel.members.filter(status=MemberStatus.DECLINED).select_related("volunteer"))
    volunteers = {v.pk: v for v in pool_for(panel.municipality_id)}
    for m in seated:
        volunteers.setdefault(m.volunteer_id, m.volunteer)
    vols = list(volunteers.values())
    snap = snapshot(panel, vols)
    snap["quotas"] = [tuple(q) for q in run.quotas]
    instance = instance_from(**snap)
    try:
        result = draw_replacements(
            instance,
            [m.volunteer.person_id for m in seated],
            [member.volunteer.person_id],
            seed,
            unavailable=[m.volunteer.person_id for m in declined if m.volunteer.person_id in instance.people],
            limits=CHECK_LIMITS,
        )
    except (SelectionFailed, ValueError):  # the core's English reason names quota keys: not for pages
        raise ServiceError(
            PanelsErrorCode.REPLACEMENT_FAILED,
            _(
                "Nobody left in the pool can take the seat without breaking a quota. Loosen a quota or "
                "add volunteers to the pool, and try again."
            ),
        ) from None
    except SolverLimitError:
        raise ServiceError(
            PanelsErrorCode.REPLACEMENT_UNFINISHED,
            _("A replacement could not be worked out in time. Nothing was changed; please try again."),
        ) from None
    by_pid = {v.person_id: v for v in vols}
    return [by_pid[pid] for pid in result.replacements]


def select_job(panel: Panel) -> Job | None:
    """Return the panel's latest draw job (running, or finished), if any."""
    return latest_job(municipality=panel.municipality, kind=SELECT_JOB, param="panel_id", value=panel.pk)


def reproduce(run: SelectionRun) -> list[str]:
    """Repeat the stored run's draw from its seed and return the panel (person ids)."""
    pool = run.distribution["pool"]
    instance = instance_from(
        quotas=[tuple(q) for q in run.quotas],
        k=run.panel.size,
        people=pool["people"],
        features=run.features,
        households=pool["households"],
    )
    if run.method == PanelMethod.LEGACY:
        return list(draw_legacy(instance, run.seed).panel)
    model = build_profiles(instance)
    d = run.distribution
    dist = Distribution(
        method=run.method,
        instance=instance,
        profiles=model,
        compositions=[tuple(c) for c in d["compositions"]],
        probabilities=d["probabilities"],
        profile_probabilities=d["profile_probabilities"],
        person_probabilities=run.person_probabilities,
        minimum=run.minimum or 0.0,
        unselectable=[],
        stats=SolverStats(),
    )
    return list(draw_panel(dist, run.seed).panel)


def suggest_quotas(
    panel: Panel, margins: dict[str, dict[str, int]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """Return proportional (min, max) per category: population shares where known, else the pool's.

    The target is ``size × share``; the bounds leave one seat of slack either way. 'Prefer not to
    say' is left open (0 … size).
    """
    choices = feature_choices(panel.municipality)
    pool = pool_for(panel.municipality_id)
    k = panel.size
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for feature, options in choices.items():
        keys = [key for key, _label in options]
        counts = margins.get(feature) or {}
        counts = {key: counts.get(key, 0) for key in keys}
        if not sum(counts.values()):
            counts = {key: sum(1 for v in pool if getattr(v, feature) == key) for key in keys}
        total = sum(counts.values())
        if not total:
            continue
        for key in keys:
            target = k * counts[key] / total
            out[(feature, key)] = (max(0, math.floor(target) - 1), min(k, math.ceil(target) + 1))
        out[(feature, PREFER_NOT_TO_SAY)] = (0, k)
    return out
