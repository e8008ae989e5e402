"""National benchmark: all municipalities' rounds of the same question-bank template and round.

Only questions with a stable key from the question bank (``medvirk/surveys/bank``) are compared,
and only aggregates are shown. The benchmark pools every complete response to the question in
every survey with the same ``template_key`` and ``round_label`` (the viewer's own municipality
included). It is shown for a question only when the *other* municipalities together have at
least the survey's threshold of answers **and** at least three other municipalities contribute:
a viewer knows their own municipality's figures, so the benchmark minus their own reveals the
others' pooled figure, and with three or more behind it no single municipality's figure follows.
The rule counts only answers that count towards the anonymity threshold (``counted.py``).
This module reads across municipalities on purpose and returns nothing but pooled counts.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count

from medvirk.surveys.models import Answer, Survey
from medvirk.surveys.selectors import list_templates, load_template

from .counted import counted_responses
from .disclosure_options import group_view
from .figures import QuestionFigures, question_figures
from .questions import DONT_KNOW, QuestionInfo
from .tables import SurveyResults

MIN_OTHER_MUNICIPALITIES = 3

CACHE_SECONDS = 300.0
_CACHE: OrderedDict[tuple[object, ...], tuple[float, dict[str, dict[int, dict[str, int]]]]] = OrderedDict()
_CACHE_MAX = 32
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Benchmark:
    """The benchmark of one survey round; ``figures`` only holds questions that meet the rule."""

    template: bool  # the survey comes from the question bank
    municipalities: int  # municipalities with answers in this template and round (own included)
    others: int  # of which other municipalities
    figures: dict[str, QuestionFigures] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return bool(self.figures)


@lru_cache(maxsize=32)
def bank_keys(template_key: str) -> frozenset[str]:
    """Return the stable question keys (matrix rows included) of a bank template, or none."""
    if template_key not in list_templates():
        return frozenset()
    return frozenset(q.key for q in load_template(template_key).questions() if not q.local)


def _pooled(
    survey: Survey, keys: list[str], multiple: list[str], *, counted_only: bool = False
) -> dict[str, dict[int, dict[str, int]]]:
    """Return question key → municipality → option key (or "" for answerers) → count.

    ``counted_only`` counts only responses that count towards the anonymity threshold: the
    rule above is applied to those (``counted.py``: anyone could plant answers through the
    other municipalities' open links to lift their pool over it), the figures to all.

    ``multiple`` are the multiple-choice keys, whose respondents are counted apart. Nothing is
    read when fewer than three other municipalities have a survey of this template and round.
    Cached per template, round and set of surveys for ``CACHE_SECONDS``: other municipalities'
    new answers may take that long to show, which a benchmark can afford, and a warm results
    page then costs one small query on ``Survey`` instead of a count over every answer.
    """
    rounds = list(
        Survey.objects.filter(template_key=survey.template_key, round_label=survey.round_label)
        .order_by("pk")
        .values_list("pk", "municipality_id")
    )
    if len({m for _s, m in rounds} - {survey.municipality_id}) < MIN_OTHER_MUNICIPALITIES:
        return {}
    surveys = [pk for pk, _m in rounds]
    cache_key = (survey.template_key, survey.round_label, tuple(surveys), tuple(sorted(keys)), counted_only)
    now = time.monotonic()
    with _LOCK:
        cached = _CACHE.get(cache_key)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            _CACHE.move_to_end(cache_key)
            return cached[1]
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
    result = {k: dict(v) for k, v in out.items()}
    with _LOCK:
        _CACHE[cache_key] = (now, result)
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return result


def _n(question: QuestionInfo, counts: dict[str, int]) -> int:
    """Return the cell count as the results pages use it: scale answers without "don't know",
    respondents for choice questions."""
    if not question.exclusive:
        return counts.get("", 0)
    known = {o.key for o in question.options if o.key != DONT_KNOW}
    return sum(n for k, n in counts.items() if k in known)


def benchmark(results: SurveyResults) -> Benchmark:
    """Return the national benchmark of a survey round, per bank question that meets the rule."""
    survey = results.survey
    stable = bank_keys(survey.template_key)
    if not stable:
        return Benchmark(False, 0, 0)
    local = {q.key for q in results.definition.questions() if q.local}
    questions = [q for q in results.questions if q.key in stable and q.key not in local]
    keys, multiple = [q.key for q in questions], [q.key for q in questions if not q.exclusive]
    pooled = _pooled(survey, keys, multiple)
    counted = _pooled(survey, keys, multiple, counted_only=True)
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
        # own is the other municipalities' figures: the option rule is applied to those.
        layout = results.disclosure.option_layout(q.id)
        if layout is None:
            continue
        view = group_view(layout, {o.id: others.get(o.key, 0) for o in q.options}, results.policy)
        figures[q.key] = question_figures(q, by_id, _n(q, totals), view)
    return Benchmark(True, len(municipalities), len(municipalities - {own}), figures)


def clear_cache() -> None:
    """Forget pooled counts (tests)."""
    with _LOCK:
        _CACHE.clear()
