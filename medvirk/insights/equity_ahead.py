"""The equity report of a closed round, worked out ahead in the worker and served from the cache.

A whole municipality's report fits an ordinal model per group and question and tests some
hundred groups: about a second of CPU, far more than its results page (issue 21). So the report
(representation and outcome gaps, one unit, one language) is made by the worker (job kind
``insights.equity``, and ``warm_results`` for the areas of every closed round) and kept in the
shared ``disclosure`` cache, keyed by what it is made from:

- the round's data version (``SurveyDisclosure.data_version``: answers, tree, rules),
- the population data's version (``population.selectors.data_version``: counts, units' regions,
  service-user counts),
- the round's target group (who its respondents are compared with, ``surveys.design.target``),
- :data:`EQUITY_VERSION` (bump it when the report's figures or rules change), unit, language and
  the practical size of a gap.

Pages and the API read it as the results do (``jobs.prepared_results``): the current report
when it is made; else they ask the worker for it and, meanwhile, show the last report made for
the same unit (marked "being updated", with when it was made); else ``jobs.ResultsPending``
(progress page, API 202). A request never computes the report. A report made earlier was made
from earlier answers under the decisions made for them, in full: showing it again reveals
nothing that was not shown then.

The cache stays bounded per report (:func:`_keep`): each unit, round and language keeps its
:data:`KEEP_VERSIONS` newest reports per practical size, for at most :data:`KEEP_SIZES`
practical sizes (the API takes any size; the pages' own is always kept); older data versions
and the least recently made other sizes are removed when a new report is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from django.utils import translation

from medvirk.orgs.models import OrgUnit, UnitKind
from medvirk.population import selectors as population_selectors

from . import equity, equity_outcomes
from .disclosure import SurveyDisclosure, shared_delete, shared_get, shared_set

EQUITY_VERSION = 2  # 2: respondents compared with the people the survey is for
PRACTICAL_SIZE = 0.10  # the pages' practical size of a gap (10 percentage points of the top box)
#: Reports kept per unit, round, language and practical size: the newest data versions.
KEEP_VERSIONS = 2
#: Practical sizes kept per unit, round and language (the pages' own among them).
KEEP_SIZES = 4


@dataclass
class PreparedEquity:
    """One unit's equity report for one round and language, as the worker made it."""

    representation: equity.RepresentationReport
    outcomes: equity_outcomes.OutcomeReport
    made_at: float  # a Unix time
    stale: bool = False  # made from earlier answers or population data; the current one is being made
    #: The job making the current report while this ``stale`` one is shown (never cached: set on
    #: the copy a request returns), as ``SurveyResults.updating_job``: the page polls it.
    updating_job: Any = None


def _labels(language: str) -> str:
    """The population labels' language: English, else Norwegian (nynorsk pages use bokmål's)."""
    return "en" if language.startswith("en") else "nb"


def _tail(survey: Any, unit_id: int, language: str, practical_size: float) -> str:
    return f"{survey.municipality_id}:{survey.pk}:{unit_id}:{language}:{practical_size:g}"


def _key(
    disclosure: SurveyDisclosure, survey: Any, unit_id: int, language: str, practical_size: float
) -> str:
    population = population_selectors.data_version(municipality_id=survey.municipality_id)
    target = f"{survey.target_age_from}-{survey.target_age_to}-{survey.answered_by}"
    return (
        f"mv-equity:{EQUITY_VERSION}:{disclosure.data_version}:{population}:{target}:"
        f"{_tail(survey, unit_id, language, practical_size)}"
    )


def _latest_key(survey: Any, unit_id: int, language: str, practical_size: float) -> str:
    return f"mv-equity-latest:{EQUITY_VERSION}:{_tail(survey, unit_id, language, practical_size)}"


def _kept_key(survey: Any, unit_id: int, language: str) -> str:
    return f"mv-equity-kept:{EQUITY_VERSION}:{survey.municipality_id}:{survey.pk}:{unit_id}:{language}"


def kept(survey: Any, unit_id: int, language: str) -> list[tuple[float, str]]:
    """Return the kept reports of a unit, round and language: (practical size, key), newest first."""
    return [(float(size), key) for size, key in shared_get(_kept_key(survey, unit_id, language)) or []]


def _keep(
    survey: Any, unit_id: int, language: str, practical_size: float, key: str, report: PreparedEquity
) -> None:
    """Keep ``report`` under ``key`` (and as the latest of its size); remove what the caps leave out.

    Two workers keeping reports of the same unit at the same moment may each miss the other's
    in the list; such an entry is left to the shared cache's own expiry and limit.
    """
    shared_set(key, report)
    shared_set(_latest_key(survey, unit_id, language, practical_size), report)
    entries = [(practical_size, key), *(e for e in kept(survey, unit_id, language) if e[1] != key)]
    sizes = list(dict.fromkeys(size for size, _key in entries))  # newest first
    other = [size for size in sizes if size != PRACTICAL_SIZE]
    allowed = set(other[: KEEP_SIZES - 1]) | ({PRACTICAL_SIZE} & set(sizes))
    keep: list[tuple[float, str]] = []
    drop = [_latest_key(survey, unit_id, language, size) for size in sizes if size not in allowed]
    for size, entry in entries:
        if size in allowed and sum(1 for s, _k in keep if s == size) < KEEP_VERSIONS:
            keep.append((size, entry))
        else:
            drop.append(entry)
    shared_delete(drop)
    shared_set(_kept_key(survey, unit_id, language), keep)


def compute(
    survey: Any,
    unit: OrgUnit,
    disclosure: SurveyDisclosure,
    *,
    language: str,
    practical_size: float = PRACTICAL_SIZE,
) -> PreparedEquity:
    """Work out the unit's report under the round's decisions ``disclosure`` (made), uncached."""
    labels = _labels(language)
    with translation.override(language):
        tree, _paths = equity.survey_tree_counts(survey, [], disclosure=disclosure)
        representation = equity.survey_representation(survey=survey, unit=unit, language=labels, tree=tree)
        return PreparedEquity(
            representation=representation,
            outcomes=equity_outcomes.outcome_report(
                survey=survey,
                unit=unit,
                language=labels,
                tree=tree,
                practical_size=practical_size,
                compared=representation.comparisons,
            ),
            made_at=time.time(),
        )


def prepare(
    survey: Any,
    unit: OrgUnit,
    *,
    language: str,
    practical_size: float = PRACTICAL_SIZE,
    progress: Any = None,
) -> PreparedEquity:
    """Make (or find) the unit's report for the round's current answers and population data.

    Run in the worker: decides the round first (free when done), then reads only decided
    figures. ``progress(done, total)`` follows the decisions.
    """
    disclosure = SurveyDisclosure(survey)
    disclosure.decide(progress=progress)
    key = _key(disclosure, survey, unit.pk, language, practical_size)
    found = shared_get(key)
    if found is not None:
        return found
    report = compute(survey, unit, disclosure, language=language, practical_size=practical_size)
    _keep(survey, unit.pk, language, practical_size, key, report)
    return report


def prepared_equity(
    *, user: Any, survey: Any, unit: OrgUnit, next_url: str, practical_size: float = PRACTICAL_SIZE
) -> PreparedEquity:
    """Return the unit's equity report for a page or API call, never computing it in the request.

    In the active language, its questions named as the survey's definition names them now (the
    figures are the worker's, the words the page's). The current report when the worker has
    made it; else the worker is asked for it (at once with the immediate task backend, i.e. in
    tests) and, meanwhile, the last report made for the unit is returned with ``stale`` set.
    Raises :class:`.jobs.ResultsPending` when none was ever made.
    """
    from .jobs import ResultsPending, equity_start  # the jobs module builds on this one

    language = translation.get_language() or "nb"
    current = SurveyDisclosure(survey)

    def current_report() -> PreparedEquity | None:
        """The report of the current decisions, when the worker has made it."""
        return (
            shared_get(_key(current, survey, unit.pk, language, practical_size)) if current.ready() else None
        )

    found = current_report()
    if found is not None:
        return _worded_now(found, survey, language)
    job = equity_start(
        user=user,
        survey=survey,
        unit=unit,
        language=language,
        practical_size=practical_size,
        next_url=next_url,
    )
    found = current_report()  # made at once by the immediate task backend (tests)
    if found is not None:
        return _worded_now(found, survey, language)
    earlier = shared_get(_latest_key(survey, unit.pk, language, practical_size))
    if earlier is None:
        raise ResultsPending(job)
    return _worded_now(replace(earlier, stale=True, updating_job=job), survey, language)


def _worded_now(report: PreparedEquity, survey: Any, language: str) -> PreparedEquity:
    """Return the kept ``report`` with its questions named as they are now (``worded_now``)."""
    return replace(report, outcomes=equity_outcomes.worded_now(report.outcomes, survey, language))


def areas(survey: Any) -> list[OrgUnit]:
    """Return the municipality and the districts the round ran in: the reports made ahead."""
    paths = list(
        OrgUnit.objects.filter(
            municipality_id=survey.municipality_id,
            survey_units__survey=survey,
            survey_units__municipality_id=survey.municipality_id,
        ).values_list("path", flat=True)
    )
    candidates = OrgUnit.objects.filter(
        municipality_id=survey.municipality_id, kind__in=[UnitKind.MUNICIPALITY, UnitKind.DISTRICT]
    ).order_by("path")
    return [u for u in candidates if any(p.startswith(u.path) for p in paths)]


def warm(survey: Any, languages: list[str]) -> int:
    """Make the reports of the round's areas in ``languages`` that are not at hand; return how many.

    Run by ``warm_results`` for closed rounds after their decisions. A pass over a round whose
    answers and population data did not change costs a few cache reads.
    """
    made = 0
    disclosure = SurveyDisclosure(survey)
    if not disclosure.ready():
        disclosure.decide()
    for unit in areas(survey):
        for language in languages:
            if shared_get(_key(disclosure, survey, unit.pk, language, PRACTICAL_SIZE)) is None:
                prepare(survey, unit, language=language)
                made += 1
    return made
