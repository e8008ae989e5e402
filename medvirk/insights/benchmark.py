"""National benchmark: all municipalities' rounds of the same question-bank template and round.

Only questions with a stable key from the question bank (``medvirk/surveys/bank``) are compared,
and only aggregates are shown. The benchmark pools every complete response to the question in
every survey with the same ``template_key`` and ``round_label`` (the viewer's own municipality
included). It is shown for a question only when the *other* municipalities together have at
least the survey's threshold of answers **and** at least three other municipalities contribute:
a viewer knows their own municipality's figures, so the benchmark minus their own reveals the
others' pooled figure, and with three or more behind it no single municipality's figure follows.
The rule counts only answers that count towards the anonymity threshold (``counted.py``).
Only closed rounds are pooled, and only a closed round gets a benchmark (:mod:`.release`): a
benchmark that moved with each answer in an open round would show what that answer was.
This module reads across municipalities on purpose and returns nothing but pooled counts.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.utils import translation

from medvirk.surveys.models import Answer, Response, Survey, SurveyStatus
from medvirk.surveys.selectors import list_templates, load_template

from .counted import counted_responses
from .disclosure import DECISION_VERSION, deciding, shared_get, shared_set, watched
from .disclosure_options import group_view
from .figures import QuestionFigures, question_figures
from .questions import DONT_KNOW, QuestionInfo
from .release import ensure_released, released
from .tables import SurveyResults

MIN_OTHER_MUNICIPALITIES = 3
#: Bump when the benchmark's figures or rules change: what the worker made before is then made again.
#: 2: the pooled counts are kept with the national version and the time they were made (``Pool``).
#: 3: only closed rounds are pooled.
NATIONAL_VERSION = 3


def _now() -> float:
    """The time (a Unix time) the pool's age is judged by; a function so tests can move it on."""
    return time.time()


def _every_seconds() -> float:
    """How long a template and round's pooled counts serve rounds closed since before they are pooled
    again (``settings.NATIONAL_BENCHMARK_EVERY_MINUTES``; 0: at every change)."""
    return max(0.0, float(settings.NATIONAL_BENCHMARK_EVERY_MINUTES)) * 60


def every_minutes() -> int:
    """Return the interval of :func:`_every_seconds` in whole minutes (rounded up) for the pages to
    say how long a round that has just closed can take to reach the national figures; 0: at once."""
    return math.ceil(_every_seconds() / 60)


@dataclass(frozen=True)
class Benchmark:
    """The benchmark of one survey round; ``figures`` only holds questions that meet the rule."""

    template: bool  # the survey comes from the question bank
    municipalities: int  # municipalities with answers in this template and round (own included)
    others: int  # of which other municipalities
    figures: dict[str, QuestionFigures] = field(default_factory=dict)
    made_at: float | None = None  # when the worker made it (a Unix time)
    stale: bool = False  # made from earlier answers; the current one is being made
    pending: bool = False  # none made yet: the worker is making the first
    #: The job making the current benchmark while a ``stale`` or ``pending`` one is shown (never
    #: cached: set on the copy a request returns), as ``SurveyResults.updating_job``.
    updating_job: Any = field(default=None, compare=False)

    @property
    def available(self) -> bool:
        return bool(self.figures)


@lru_cache(maxsize=32)
def bank_keys(template_key: str) -> frozenset[str]:
    """Return the stable question keys (matrix rows included) of a bank template, or none."""
    if template_key not in list_templates():
        return frozenset()
    return frozenset(q.key for q in load_template(template_key).questions() if not q.local)


Rounds = list[tuple[int, int, int, int, int | None]]


def _rounds(survey: Survey) -> Rounds:
    """Return (survey, municipality, definition version, revision, newest complete response) of
    every closed round of the survey's template and round label: what the pooled counts are made of.

    One query; per round one probe of the municipality-leading index ``surveys_resp_complete_last``
    (as ``disclosure.state_for`` does for one round). Any new complete answer in any municipality
    of the template changes it.
    """
    newest = (
        Response.objects.filter(
            municipality_id=OuterRef("municipality_id"), survey=OuterRef("pk"), complete=True
        )
        .order_by("-id")
        .values("id")[:1]
    )
    return list(
        Survey.objects.filter(
            template_key=survey.template_key, round_label=survey.round_label, status=SurveyStatus.CLOSED
        )
        .annotate(last=Subquery(newest))
        .order_by("pk")
        .values_list("pk", "municipality_id", "definition_version", "responses_revision", "last")
    )


def national_version(survey: Survey, rounds: Rounds | None = None) -> str:
    """Return a digest of every answer the survey's benchmark pools: it changes when a round of the
    template and round label closes, or a closed one's answers change, in any municipality (which
    marks the benchmark for remaking)."""
    rounds = _rounds(survey) if rounds is None else rounds
    text = repr((NATIONAL_VERSION, DECISION_VERSION, survey.template_key, survey.round_label, rounds))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _pooled(
    rounds: Rounds, keys: list[str], multiple: list[str], *, counted_only: bool = False
) -> dict[str, dict[int, dict[str, int]]]:
    """Return question key → municipality → option key (or "" for answerers) → count.

    ``counted_only`` counts only responses that count towards the anonymity threshold: the
    rule above is applied to those (``counted.py``: anyone could plant answers through the
    other municipalities' open links to lift their pool over it), the figures to all.

    ``multiple`` are the multiple-choice keys, whose respondents are counted apart. Nothing is
    read when fewer than three municipalities besides any one have a survey of this template
    and round (the same for every viewer: each has a round among them). This reads every
    municipality's answers: only the worker runs it (:func:`prepare`).
    """
    if len({m for _s, m, *_rest in rounds}) < MIN_OTHER_MUNICIPALITIES + 1:
        return {}
    surveys = [pk for pk, *_rest in rounds]
    answers = Answer.objects.filter(survey_id__in=surveys, response__complete=True, question__key__in=keys)
    if counted_only:
        answers = answers.filter(counted_responses("response__"))
    out: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = (
        answers.filter(option__isnull=False)
        .values_list("municipality_id", "question__key", "option__key")
        .annotate(n=Count("id"))
        .order_by()
    )
    for muni, key, option, n in rows:
        out[key][muni][option] = n
    # Distinct respondents per question (multiple choice has one row per chosen option).
    answerers = (
        answers.filter(question__key__in=multiple)
        .values_list("municipality_id", "question__key")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    for muni, key, n in answerers:
        out[key][muni][""] = n
    return {k: dict(v) for k, v in out.items()}


Counts = dict[str, dict[int, dict[str, int]]]


@dataclass(frozen=True)
class Pool:
    """The pooled counts of a template and round: all answers, and those counted for the rule."""

    version: str  # the national version they were pooled at (:func:`national_version`)
    made_at: float  # when (a Unix time): the answers that were in then
    pooled: Counts
    counted: Counts


def _pool(survey: Survey, rounds: Rounds, version: str, keys: list[str], multiple: list[str]) -> Pool:
    """Return the pooled counts of the template and round for ``version``, or the last ones made
    while they are younger than ``settings.NATIONAL_BENCHMARK_EVERY_MINUTES``.

    Kept in the shared cache under the national version: every municipality's round of the
    template asks for the same keys (all but local questions), so one pass over the answers
    serves them all until new answers arrive anywhere. Pooling reads every municipality's
    answers (16 s at 3 M responses, bench/national), and with 357 municipalities answers arrive
    somewhere all the time: the last pool then serves the new answers' version too (its own
    ``version`` tells which answers it holds) until it is older than the interval; the next
    request for it after that pools again, once for every round of the template.
    """
    digest = hashlib.sha256(repr((sorted(keys), sorted(multiple))).encode()).hexdigest()[:16]
    key = f"mv-national-pool:{version}:{digest}"
    found = shared_get(key)
    if found is not None:
        return cast(Pool, found)
    group = f"{NATIONAL_VERSION}:{DECISION_VERSION}:{survey.template_key}:{survey.round_label}:{digest}"
    latest_key = f"mv-national-pool-latest:{hashlib.sha256(group.encode()).hexdigest()[:40]}"
    latest = cast("Pool | None", shared_get(latest_key))
    if latest is not None and _now() - latest.made_at < _every_seconds():
        return latest
    made_at = _now()
    pool = Pool(
        version,
        made_at,
        _pooled(rounds, keys, multiple),
        _pooled(rounds, keys, multiple, counted_only=True),
    )
    shared_set(key, pool)
    shared_set(latest_key, pool)
    return pool


def _n(question: QuestionInfo, counts: dict[str, int]) -> int:
    """Return the cell count as the results pages use it: scale answers without "don't know",
    respondents for choice questions."""
    if not question.exclusive:
        return counts.get("", 0)
    known = {o.key for o in question.options if o.key != DONT_KNOW}
    return sum(n for k, n in counts.items() if k in known)


def _compared(results: SurveyResults) -> list[QuestionInfo]:
    """The round's questions that are compared: the bank's, unless the round made them local."""
    stable = bank_keys(results.survey.template_key)
    local = {q.key for q in results.definition.questions() if q.local}
    return [q for q in results.questions if q.key in stable and q.key not in local]


def _pool_of(results: SurveyResults, rounds: Rounds) -> Pool:
    questions = _compared(results)
    keys, multiple = [q.key for q in questions], [q.key for q in questions if not q.exclusive]
    return _pool(results.survey, rounds, national_version(results.survey, rounds), keys, multiple)


def benchmark(results: SurveyResults, rounds: Rounds | None = None, pool: Pool | None = None) -> Benchmark:
    """Work out the national benchmark of a survey round, per bank question that meets the rule.

    Reads the pooled counts of every municipality (from the shared cache when the worker made
    them, see :func:`_pool`): run in the worker. Pages and the API call
    :func:`prepared_benchmark`, which never works it out. ``made_at`` is when the answers it
    pools were read.
    """
    survey = results.survey
    ensure_released(survey)
    if not bank_keys(survey.template_key):
        return Benchmark(False, 0, 0)
    questions = _compared(results)
    if pool is None:
        pool = _pool_of(results, _rounds(survey) if rounds is None else rounds)
    pooled, counted = pool.pooled, pool.counted
    own = survey.municipality_id
    municipalities = {m for per_muni in pooled.values() for m in per_muni}
    figures: dict[str, QuestionFigures] = {}
    for q in questions:
        per_muni = pooled.get(q.key, {})
        mine = counted.get(q.key, {})  # the rule counts only answers nobody could plant
        contributing = [m for m, counts in mine.items() if m != own and _n(q, counts) > 0]
        others_n = sum(_n(q, mine[m]) for m in contributing)
        if len(contributing) < MIN_OTHER_MUNICIPALITIES or others_n < results.policy.threshold:
            continue
        totals: dict[str, int] = defaultdict(int)
        others: dict[str, int] = defaultdict(int)
        for muni, counts in per_muni.items():
            for key, n in counts.items():
                totals[key] += n
                if muni != own:
                    others[key] += n
        by_id = {o.id: totals.get(o.key, 0) for o in q.options}
        # The viewer may know their own municipality's every answer, so the benchmark minus their
        # own is the other municipalities' figures: the option rule (the product's anonymity
        # decision, small cells withheld) is applied to those.
        layout = results.disclosure.option_layout(q.id)
        if layout is None:
            continue
        view = group_view(layout, {o.id: others.get(o.key, 0) for o in q.options}, results.policy)
        figures[q.key] = question_figures(q, by_id, _n(q, totals), view)
    return Benchmark(True, len(municipalities), len(municipalities - {own}), figures, made_at=pool.made_at)


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _key(results: SurveyResults, version: str, language: str) -> str:
    """The benchmark's key: the figures carry the questions' and options' labels in ``language``."""
    survey = results.survey
    return (
        f"mv-national:{version}:{results.disclosure.data_version}:{survey.municipality_id}:{survey.pk}:"
        f"{language}"
    )


def _latest_key(survey: Survey, language: str) -> str:
    return f"mv-national-latest:{NATIONAL_VERSION}:{survey.municipality_id}:{survey.pk}:{language}"


def prepare(survey: Survey, progress: Any = None, language: str | None = None) -> Benchmark:
    """Make (or find) the round's benchmark for every municipality's current answers.

    Run in the worker (job ``insights.national``, ``warm_results``): decides the round first
    (free when done), then pools the template's answers once per national version (shared by
    every municipality's round and language) and applies the anonymity rules for this round's
    viewers. In ``language`` (default: the active one). Within
    ``settings.NATIONAL_BENCHMARK_EVERY_MINUTES`` of the last pooling it is made from the last
    pooled counts (:func:`_pool`) and kept under their version, so pages go on marking it
    "being updated".
    """
    return _prepare(survey, progress, language)[0]


def _prepare(survey: Survey, progress: Any = None, language: str | None = None) -> tuple[Benchmark, bool]:
    """:func:`prepare`, and whether it was made now (False: found made)."""
    if not (released(survey) and bank_keys(survey.template_key)):
        return Benchmark(False, 0, 0), False
    language = language or _language()
    with translation.override(language):
        results = SurveyResults(survey)
        # One process decides a round at a time (``disclosure.deciding``): the national job a page
        # starts decided the round beside ``warm_results`` and the page's own decide job, at the
        # job worker's full priority, on the cores the web workers need (bench/mixed, issue 21).
        # After waiting it finds their decisions (or decides answers newer than theirs).
        with deciding(survey):
            results.disclosure.decide(progress=progress)
        rounds = _rounds(survey)
        found = shared_get(_key(results, national_version(survey, rounds), language))
        if found is not None:
            return cast(Benchmark, found), False
        pool = _pool_of(results, rounds)
        key = _key(results, pool.version, language)
        found = shared_get(key)  # the last pool's, made for this round before
        if found is not None:
            return cast(Benchmark, found), False
        made = benchmark(results, rounds, pool)
    shared_set(key, made)
    shared_set(_latest_key(survey, language), made)
    return made, True


def _recent(made: Benchmark | None) -> bool:
    """Whether ``made`` pools answers read less than ``NATIONAL_BENCHMARK_EVERY_MINUTES`` ago:
    it then serves new answers until the interval is over (nothing is pooled again before)."""
    return made is not None and made.made_at is not None and _now() - made.made_at < _every_seconds()


def prepared_benchmark(*, user: Any, results: SurveyResults, next_url: str) -> Benchmark:
    """Return the round's benchmark for a page or API call, never working it out in the request.

    In the active language. The current one (every municipality's current answers) when the
    worker has made it. Else the last one made for the round, with ``stale`` set: while its
    answers were read less than ``settings.NATIONAL_BENCHMARK_EVERY_MINUTES`` ago the worker is
    not asked (``warm_results`` pools again after the interval); after it, the worker is asked
    for the current one (at once with the immediate task backend, i.e. in tests). When none was
    ever made, the worker is asked and an empty one with ``pending`` set is returned. Costs one
    query (:func:`national_version`) and a cache read or two.
    """
    from .jobs import national_start  # the jobs module builds on this one

    survey, language = results.survey, _language()
    if not (released(survey) and bank_keys(survey.template_key)):
        return Benchmark(False, 0, 0)
    found = shared_get(_key(results, national_version(survey), language))
    if found is not None:
        return cast(Benchmark, found)
    earlier = cast("Benchmark | None", shared_get(_latest_key(survey, language)))
    # Not asked while its answers are recent, nor while warm_results --watch runs: it makes the
    # new one (``disclosure.watched``).
    if earlier is not None and (_recent(earlier) or watched()):
        return replace(earlier, stale=True)
    job = national_start(user=user, survey=survey, language=language, next_url=next_url)
    return _made(results, language, job)


def shown_benchmark(results: SurveyResults) -> Benchmark:
    """Return the benchmark a page of ``results`` shows now, as :func:`prepared_benchmark` does,
    but asking the worker for nothing: for the worker itself (``pdf.warm``)."""
    if not (released(results.survey) and bank_keys(results.survey.template_key)):
        return Benchmark(False, 0, 0)
    return _made(results, _language(), None)


def _made(results: SurveyResults, language: str, job: Any) -> Benchmark:
    """Return the current benchmark if made by now, else the last one made (``stale``), else none
    (``pending``), with ``job`` making the current one."""
    survey = results.survey
    found = shared_get(_key(results, national_version(survey), language))
    if found is not None:
        return cast(Benchmark, found)
    earlier = shared_get(_latest_key(survey, language))
    if earlier is None:
        return Benchmark(True, 0, 0, pending=True, updating_job=job)
    return replace(earlier, stale=True, updating_job=job)


def warm(survey: Survey, languages: list[str], versions: dict[tuple[str, str], str] | None = None) -> int:
    """Make the round's benchmark in ``languages`` where not at hand (``warm_results``); return
    how many were made.

    ``versions`` keeps each template and round's national version for one pass over all rounds,
    so the pass reads it once per template and round, not once per municipality's round. A
    round whose last benchmark pools answers read less than
    ``settings.NATIONAL_BENCHMARK_EVERY_MINUTES`` ago is passed over (one cache read).
    """
    if not (released(survey) and bank_keys(survey.template_key)):
        return 0
    versions = {} if versions is None else versions
    group = (survey.template_key, survey.round_label)
    if group not in versions:
        versions[group] = national_version(survey)
    made = 0
    results = SurveyResults(survey)
    for language in languages:
        if results.disclosure.ready() and shared_get(_key(results, versions[group], language)) is not None:
            continue
        if _recent(shared_get(_latest_key(survey, language))):
            continue
        made += _prepare(survey, language=language)[1]
    return made
