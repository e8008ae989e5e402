"""Equity analysis, part 2: who is served worse (outcome gaps) and weighted headline results.

Reads the answers of a closed survey round below a unit and calls the pure functions in
:mod:`medvirk.analysis.gaps`, :mod:`medvirk.analysis.ordinal` and :mod:`medvirk.analysis.weighting`.
Only groups and questions the survey round's one decision shows appear
(:mod:`medvirk.insights.disclosure`, shared with the results pages): a gap row needs the group's,
the unit's and the "not stated" group's answer counts to be shown (so "everyone else" is worked
out from shown figures only), a headline row needs the unit's answer count to be shown, and
figures from at least the survey's threshold of answers.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from medvirk.analysis.gaps import outcome_gaps
from medvirk.analysis.intervals import mean_interval, top_box_share
from medvirk.analysis.ordinal import OrdinalResult, adjusted_group_effect
from medvirk.analysis.weighting import RakingError, rake, weighted_mean
from medvirk.common.dimensions import DISTRICT
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit
from medvirk.population.selectors import catchment_for, dimension_label, dimension_name, population_margins
from medvirk.surveys.models import Answer, Response, SurveyQuestion
from medvirk.surveys.types import parse_definition, question_type

from .counted import counts_towards_threshold
from .equity import (
    BG_FIELDS,
    TreeCounts,
    category_keys,
    category_label,
    survey_dimensions,
    survey_tree_counts,
    weighting_margins,
)
from .questions import statement_label

CONTROLS = ("age_band", "gender", "district")
TRIM = (0.2, 5.0)


@dataclass
class QuestionInfo:
    key: str
    text: str
    top: tuple[int, ...]


def survey_questions(survey: Any, language: str = "nb") -> dict[str, QuestionInfo]:
    """Return the scale (rating) questions of a survey with their text and top box.

    A matrix statement follows its question as on the results pages (``statement_label``).
    """
    out: dict[str, QuestionInfo] = {}
    definition = parse_definition(survey.definition)
    for q in definition.questions(include_rows=False):
        for item, scale in question_type(q.type).scale_items(q):
            text = item.text.get(language) or item.text.get("nb") or next(iter(item.text.values()), item.key)
            parent = q.text.get(language) or q.text.get("nb") or ""
            if item is not q and parent:  # a statement of a matrix: its question's text first
                text = statement_label(parent, text)
            out[item.key] = QuestionInfo(item.key, text, (scale.max - 1, scale.max))
    return out


def worded_now(report: OutcomeReport, survey: Any, language: str) -> OutcomeReport:
    """Return ``report`` with its questions named as the survey's definition and this code name
    them now, in ``language`` (a copy: the kept report is not changed).

    The worker keeps a report for as long as its answers, decisions and population data hold
    (``equity_ahead``); the words are the page's. A report kept before a wording changed in the
    code (8f4256e: "… stemmer dette? Barnet", not "dette?: Barnet") says the new one at once,
    without working out its figures again. One parse of the definition, no query.
    """
    texts = {key: q.text for key, q in survey_questions(survey, language.split("-")[0]).items()}

    def named(row: Any) -> Any:
        return replace(row, question_text=texts.get(row.question, row.question_text))

    return replace(report, gaps=[named(g) for g in report.gaps], headline=[named(h) for h in report.headline])


def _respondents(
    survey: Any, unit: OrgUnit, dims: list[str], round_tree: Any = None
) -> tuple[list[int], dict[int, dict[str, str]], frozenset[int]]:
    """Return the unit's respondents, their background answers, and those who count (counted.py).

    ``round_tree``: the round's tree (the disclosure's); a closed round's stands as it did at the
    close, so a unit moved since still counts where it answered (``surveys/round_tree.py``).
    """
    if round_tree is None:
        below = Q(unit__path__startswith=unit.path)
    else:  # a unit outside the round's tree (made or moved there since) had no respondents in it
        below = Q(unit_id__in=round_tree.survey_units_below(unit.pk) if unit.pk in round_tree.nodes else [])
    rows = Response.objects.filter(
        below,
        co_located("unit"),
        municipality_id=survey.municipality_id,
        survey=survey,
        complete=True,
    ).values_list("pk", "channel", *(BG_FIELDS[d] for d in dims))
    ids: list[int] = []
    bg: dict[int, dict[str, str]] = {}
    counted: set[int] = set()
    for pk, channel, *values in rows:
        ids.append(pk)
        bg[pk] = dict(zip(dims, values, strict=True))
        if counts_towards_threshold(channel):
            counted.add(pk)
    return ids, bg, frozenset(counted)


def _answers(survey: Any, ids: list[int], keys: list[str]) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for rid, key, value in Answer.objects.filter(
        co_located("question"),
        municipality_id=survey.municipality_id,
        survey=survey,
        response_id__in=ids,
        question__key__in=keys,
        value_num__isnull=False,
    ).values_list("response_id", "question__key", "value_num"):
        if value is not None:  # never None: the filter says so
            out[key].append((rid, value))
    return out


@dataclass
class GapRow:
    dimension: str
    dimension_label: str
    group: str
    group_label: str
    question: str
    question_text: str
    n: int
    top_box: float
    top_box_rest: float
    gap: float
    interval: tuple[float, float]
    p_adjusted: float
    flagged: bool
    reason: str | None
    adjusted: OrdinalResult | None = None


@dataclass
class HeadlineRow:
    question: str
    question_text: str
    n: int
    mean: float
    mean_interval: tuple[float, float]
    weighted_mean: float | None = None
    weighted_mean_interval: tuple[float, float] | None = None
    top_box: float = 0.0
    weighted_top_box: float | None = None
    # Why the weighted figures are missing ("" when shown): "not_weighted" (raking was not
    # possible), "protected" (a weighting group's answers are withheld), "too_few" (answered).
    weighted_missing: str = ""


@dataclass
class Weighting:
    """How the answers were weighted. ``n``, ``n_excluded`` and ``effective_n`` are None when
    between 1 and threshold − 1 respondents were left out (they would reveal a small group)."""

    margins: list[str]
    n: int | None
    n_excluded: int | None
    design_effect: float | None = None
    # How many of ``n`` and ``n_excluded`` count towards the threshold (never shown; counted.py).
    n_counted: int | None = None
    n_excluded_counted: int | None = None
    effective_n: float | None = None
    converged: bool = False
    iterations: int = 0
    bounds_met: bool = True
    note: str = ""
    merged: list[str] = field(default_factory=list)

    @property
    def margin_names(self) -> list[str]:
        """The dimensions weighted to, by name in the active language (pages never show keys)."""
        return [dimension_name(d) for d in self.margins]


@dataclass
class OutcomeReport:
    gaps: list[GapRow]
    headline: list[HeadlineRow]
    weighting: Weighting | None
    practical_size: float
    threshold: int

    @property
    def flagged(self) -> list[GapRow]:
        """Return the flagged gaps, worst first."""
        return sorted((g for g in self.gaps if g.flagged), key=lambda g: g.gap)

    @property
    def weighted_missing(self) -> str:
        """Say in words why the headline's weighted columns show "–" (empty when nothing is missing)."""
        why = {getattr(h, "weighted_missing", "") for h in self.headline} - {""}
        if not why or self.weighting is None:
            return ""
        dims = get_text_list([name.lower() for name in self.weighting.margin_names], _("and"))
        reasons = {
            "not_weighted": _("The answers could not be weighted: %(why)s")
            % {"why": self.weighting.note or _("No population figures to weight to.")},
            "protected": _(
                "Weighted figures are shown only when all answers can be shown for every group by "
                "%(dims)s (also for those who did not say). Some of these groups are so small that "
                "their answers are hidden here, and the weighted figures would give them away."
            )
            % {"dims": dims},
            "too_few": _(
                "Weighted figures need at least %(k)s people who answered the question and gave "
                "every background answer the weighting uses (%(dims)s)."
            )
            % {"k": self.threshold, "dims": dims},
        }
        if all(getattr(h, "weighted_missing", "") for h in self.headline):
            opening = _("No weighted figures are shown (“–” in the weighted columns).")
        else:
            opening = _("Some questions have no weighted figures (“–” in the weighted columns).")
        return " ".join([opening, *(reasons[key] for key in reasons if key in why)])


def _answer_shown(disclosure: Any, question_id: int | None, node: int, *slot: str) -> int | None:
    """Return a question's answer count for a unit (or a group in it) if the one decision shows it."""
    if disclosure is None or question_id is None:
        return None
    return disclosure.shown_answers(question_id, node, *slot)


def _view(disclosure: Any, question_id: int | None, node: int, *slot: str) -> Any:
    """Return what the one decision lets a group show of its answers (None: nothing)."""
    if disclosure is None or question_id is None:
        return None
    return disclosure.group_view(question_id, node, *slot)


def _gaps(
    survey: Any,
    unit: OrgUnit,
    tree: TreeCounts,
    dims: list[str],
    questions: dict[str, QuestionInfo],
    bg: dict[int, dict[str, str]],
    answers: dict[str, list[tuple[int, float]]],
    practical_size: float,
    language: str,
) -> list[GapRow]:
    rows: list[GapRow] = []
    k = survey.threshold
    disclosure = getattr(tree, "disclosure", None)
    ids = _question_ids(disclosure, questions)
    if disclosure is not None:
        disclosure.prefetch_answers(ids.values())
    for dim in dims:
        cats = set(category_keys(dim, survey.municipality_id))
        shown = {c for c in cats if (tree.get(unit.pk, f"{dim}|{c}") or 0) >= k}
        if len(shown) < 1:
            continue
        by_top: dict[tuple[int, ...], dict[str, tuple[np.ndarray, list[str | None]]]] = defaultdict(dict)
        for qkey, pairs in answers.items():
            if qkey not in questions:
                continue
            vals = np.array([v for _r, v in pairs], dtype=float)
            groups = [bg[r][dim] if bg[r][dim] in cats else None for r, _v in pairs]
            by_top[questions[qkey].top][qkey] = (vals, groups)
        for top, qs in by_top.items():
            with warnings.catch_warnings():
                # scipy warns when a group's answers are all equal; the intervals are still right.
                warnings.simplefilter("ignore", RuntimeWarning)
                gaps = outcome_gaps(qs, top=top, practical_size=practical_size, anonymity_threshold=k)
            for g in gaps:
                if g.measure != "top_box" or g.group not in shown or g.n < k or g.n_rest < k:
                    continue
                qid = ids.get(g.question)
                if (
                    _answer_shown(disclosure, qid, unit.pk, dim, g.group) != g.n
                    or _answer_shown(disclosure, qid, unit.pk) is None
                    or _answer_shown(disclosure, qid, unit.pk, dim, "") is None
                ):
                    continue
                # The group's, the unit's and "not stated"'s top-box counts must all be cleared
                # (the rest's share follows from them); the adjusted model also needs their means.
                views = [_view(disclosure, qid, unit.pk, *slot) for slot in ((dim, g.group), (), (dim, ""))]
                if not all(v is not None and v.top("equity") for v in views):
                    continue
                vals, groups = qs[g.question]
                mask = np.array([x == g.group for x in groups])
                known = np.array([x is not None for x in groups])
                mine, rest = vals[mask], vals[known & ~mask]
                row = GapRow(
                    dimension=dim,
                    dimension_label=dimension_label(dim, language),
                    group=g.group,
                    group_label=category_label(dim, g.group, language),
                    question=g.question,
                    question_text=questions[g.question].text,
                    n=g.n,
                    top_box=float(np.isin(mine, top).mean()),
                    top_box_rest=float(np.isin(rest, top).mean()),
                    gap=g.estimate,
                    interval=g.interval,
                    p_adjusted=g.p_adjusted,
                    flagged=g.flagged,
                    reason=g.reason,
                )
                if g.flagged and all(v is not None and v.mean for v in views):
                    controls = {
                        c: [bg[r][c] or None for r, _v in (answers[g.question])]
                        for c in CONTROLS
                        if c != dim and c in dims
                    }
                    in_group = [bg[r][dim] == g.group for r, _v in answers[g.question]]
                    all_vals = [v for _r, v in answers[g.question]]
                    row.adjusted = adjusted_group_effect(all_vals, in_group, controls)
                rows.append(row)
    return rows


def _rake(
    unit: OrgUnit,
    ids: list[int],
    bg: dict[int, dict[str, str]],
    dims: list[str],
    min_n: int = 2,
    counted: frozenset[int] | None = None,
    margins: dict[str, Any] | None = None,
) -> tuple[Weighting, dict[int, float], list[np.ndarray], list[int]]:
    """Rake to as many margins as the data allow: all of them, else drop the last one by one.

    ``min_n``: respondents with every background answer needed (of ``counted`` ones, if given).
    ``margins``: the people to weight to (``equity.weighting_margins``: those the respondents are
    compared with); everyone living in the unit's area when not given.
    """
    catchment = catchment_for(unit=unit)
    if margins is None:
        margins = population_margins(municipality=unit.municipality, region=catchment.region)
    use = [d for d in dims if d in margins and not (d == DISTRICT.key and not catchment.is_municipality)]
    if not use:
        n_counted = len(ids) if counted is None else sum(1 for r in ids if r in counted)
        info = Weighting([], len(ids), len(ids), note=_("No population figures to weight to."))
        info.n_counted = info.n_excluded_counted = n_counted
        return info, {}, [], []
    notes: list[str] = []
    for k in range(len(use), 0, -1):
        info, weights, codes, kept = _rake_on(unit, ids, bg, use[:k], margins, min_n, counted)
        if weights:
            info.note = " ".join(notes)
            return info, weights, codes, kept
        notes.append(
            _("Weighting by %(dims)s failed: %(why)s")
            % {"dims": ", ".join(dimension_name(d) for d in use[:k]), "why": info.note}
        )
    info.note = " ".join(notes)
    return info, {}, [], []


def _rake_on(
    unit: OrgUnit,
    ids: list[int],
    bg: dict[int, dict[str, str]],
    use: list[str],
    margins: dict[str, Any],
    min_n: int = 2,
    counted: frozenset[int] | None = None,
) -> tuple[Weighting, dict[int, float], list[np.ndarray], list[int]]:
    kept = [r for r in ids if all(margins[d].counts.get(bg[r][d]) for d in use)]
    info = Weighting(use, len(kept), len(ids) - len(kept))
    info.n_counted = len(kept) if counted is None else sum(1 for r in kept if r in counted)
    all_counted = len(ids) if counted is None else sum(1 for r in ids if r in counted)
    info.n_excluded_counted = all_counted - info.n_counted
    if len(kept) < 2 or info.n_counted < min_n:
        info.note = _("Too few respondents with every background answer to weight.")
        return info, {}, [], []
    codes: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    total = None
    for d in use:
        order = [c for c in category_keys(d, unit.municipality_id) if margins[d].counts.get(c)]
        counts = {c: sum(1 for r in kept if bg[r][d] == c) for c in order}
        # A category nobody answered from cannot be raked: merge it with its neighbour.
        groups: list[list[str]] = []
        for c in order:
            if groups and (counts[c] == 0 or sum(counts[x] for x in groups[-1]) == 0):
                groups[-1].append(c)
            else:
                groups.append([c])
        if groups and sum(counts[x] for x in groups[0]) == 0 and len(groups) > 1:
            groups[1] = groups[0] + groups[1]
            groups.pop(0)
        info.merged += [" + ".join(category_label(d, x) for x in g) for g in groups if len(g) > 1]
        index = {c: i for i, g in enumerate(groups) for c in g}
        codes.append(np.array([index[bg[r][d]] for r in kept], dtype=np.intp))
        t = np.array([sum(margins[d].counts[c] for c in g) for g in groups], dtype=float)
        total = total if total is not None else t.sum()
        targets.append(t * total / t.sum())
    try:
        result = rake(codes, targets, trim=TRIM, require_convergence=True)
    except RakingError as exc:
        info.note = str(exc)
        return info, {}, [], []
    w = result.weights
    info.design_effect = float(w.size * np.sum(w**2) / np.sum(w) ** 2)
    info.effective_n = float(np.sum(w) ** 2 / np.sum(w**2))
    info.converged = result.report.converged
    info.iterations = result.report.iterations
    info.bounds_met = result.report.bounds_met
    return info, dict(zip(kept, w.tolist(), strict=True)), codes, kept


def _question_ids(disclosure: Any, questions: dict[str, QuestionInfo]) -> dict[str, int]:
    """Return the question ids (the disclosure's keys) of the equity report's questions."""
    if disclosure is None:
        return {}
    return dict(
        SurveyQuestion.objects.filter(survey=disclosure.survey, key__in=list(questions)).values_list(
            "key", "pk"
        )
    )


def _headline(
    questions: dict[str, QuestionInfo],
    answers: dict[str, list[tuple[int, float]]],
    weights: dict[int, float],
    codes: list[np.ndarray],
    kept: list[int],
    threshold: int,
    shown_n: dict[str, int | None] | None = None,
    cleared: dict[str, tuple[bool, bool]] | None = None,
    counted: frozenset[int] | None = None,
) -> list[HeadlineRow]:
    """Return headline rows; with ``shown_n`` only for questions whose unit count is shown (and equal).

    ``cleared`` holds per question whether the one decision lets the unit show its mean (every
    option count shown) and its weighted figures (also every weighting group's). Weighted
    figures need at least ``threshold`` weighted answers, of ``counted`` respondents if given.
    """
    rows = []
    position = {r: i for i, r in enumerate(kept)}
    for qkey, info in questions.items():
        pairs = answers.get(qkey, [])
        if len(pairs) < threshold:
            continue
        if shown_n is not None and shown_n.get(qkey) != len(pairs):
            continue
        mean_ok, weighted_ok = cleared.get(qkey, (False, False)) if cleared is not None else (True, True)
        if not mean_ok:
            continue
        vals = np.array([v for _r, v in pairs], dtype=float)
        est = mean_interval(vals)
        row = HeadlineRow(qkey, info.text, len(pairs), est.estimate, est.interval)
        row.top_box = top_box_share(vals, info.top).estimate
        sub = [(r, v) for r, v in pairs if r in weights]
        enough = len(sub) if counted is None else sum(1 for r, _v in sub if r in counted)
        if weighted_ok and len(sub) >= 2 and enough >= threshold:
            # Those who skipped the question stay in the raked design with a missing value: a
            # domain, as R's svymean(..., na.rm = TRUE), so the SE is not conditional on who
            # answered.
            y = np.full(len(kept), np.nan)
            y[[position[r] for r, _v in sub]] = [v for _r, v in sub]
            w = np.array([weights[r] for r in kept])
            wm = weighted_mean(y, w, raking_margins=codes)
            row.weighted_mean, row.weighted_mean_interval = wm.estimate, wm.interval
            answered = ~np.isnan(y)
            row.weighted_top_box = float(
                np.dot(w[answered], np.isin(y[answered], info.top)) / w[answered].sum()
            )
        else:
            row.weighted_missing = (
                "not_weighted" if not weights else "protected" if not weighted_ok else "too_few"
            )
        rows.append(row)
    return rows


def _cleared(disclosure: Any, question_id: int, unit: OrgUnit, margins: list[str]) -> tuple[bool, bool]:
    """Return whether the unit may show its mean, and its weighted figures, for a question.

    The mean needs every option count of the unit shown (then it reveals nothing more). The
    weighted figures also need every group of every weighting dimension in the unit shown in
    full, "not stated" included: they weigh the same answers by those groups.
    """
    view = _view(disclosure, question_id, unit.pk)
    if view is None or not view.mean:
        return False, False
    layout = disclosure.layout
    groups = [(d, c) for d in margins if d in layout.dims for c in layout.cats[d]]
    if any(d not in layout.dims for d in margins):
        return True, False
    weighted = all(
        (g := _view(disclosure, question_id, unit.pk, *slot)) is not None and g.mean for slot in groups
    )
    return True, weighted


def outcome_report(
    *,
    survey: Any,
    unit: OrgUnit,
    practical_size: float = 0.10,
    language: str = "nb",
    tree: TreeCounts | None = None,
    compared: Any = None,
) -> OutcomeReport:
    """Return outcome gaps per group and question, and weighted vs unweighted headline results.

    ``compared``: who the respondents are compared with (a representation report's
    ``comparisons``), to weight to; decided here when not given.
    """
    dims = survey_dimensions(survey)
    if tree is None:
        tree, _paths = survey_tree_counts(survey, dims)
    threshold = survey.threshold
    if getattr(getattr(tree, "disclosure", None), "stale", False):
        # The round's decisions are being remade for new answers; outcomes read today's answers,
        # which must never be shown under earlier decisions: none until the new ones are made.
        return OutcomeReport([], [], None, practical_size, threshold)
    questions = survey_questions(survey, language)
    if (tree.get(unit.pk, "all") or 0) < threshold:  # before reading any answer
        return OutcomeReport([], [], None, practical_size, threshold)
    ids, bg, counted = _respondents(
        survey, unit, dims, getattr(getattr(tree, "disclosure", None), "tree", None)
    )
    answers = _answers(survey, ids, list(questions))
    gaps = _gaps(survey, unit, tree, dims, questions, bg, answers, practical_size, language)
    k = max(threshold, 5)
    # Weighted figures only from at least k respondents with every background answer used,
    # counting, as every decision does, only those through codes and invitations (counted.py):
    # answers planted through the poster cannot make the weighted figures appear.
    margins = weighting_margins(survey, unit, dims, compared)
    weighting, weights, codes, kept = _rake(unit, ids, bg, dims, min_n=k, counted=counted, margins=margins)
    pairs = ((weighting.n, weighting.n_counted), (weighting.n_excluded, weighting.n_excluded_counted))
    if any(n and (c if c is not None else n) < k for n, c in pairs):
        # Either count (and the effective n: n = design effect × effective n) would give
        # away a small group: the few left out, or the few weighted; a count is shown only
        # with at least k respondents who count towards the threshold (or none at all).
        weighting.n = weighting.n_excluded = weighting.effective_n = None
    shown_n = cleared = None
    disclosure = getattr(tree, "disclosure", None)
    if disclosure is not None:
        qids = _question_ids(disclosure, questions)
        disclosure.prefetch_answers(qids.values())
        shown_n = {key: _answer_shown(disclosure, qid, unit.pk) for key, qid in qids.items()}
        cleared = {key: _cleared(disclosure, qid, unit, weighting.margins) for key, qid in qids.items()}
    headline = _headline(questions, answers, weights, codes, kept, threshold, shown_n, cleared, counted)
    return OutcomeReport(gaps, headline, weighting, practical_size, threshold)


# Who is reached through minority organisations, interpreters and other languages, and who is
# the majority that such channels do not reach (advice must fit the group the finding names).
MINORITY_GROUPS = {
    ("immigrant_background", "immigrant"),
    ("immigrant_background", "norwegian_born_to_immigrants"),
    ("home_language", "other"),
    ("home_language", "norwegian_and_other"),
}
MAJORITY_GROUPS = {("immigrant_background", "rest"), ("home_language", "norwegian")}
YOUNG_BANDS = {"0-15", "16-24", "25-34"}
OLD_BANDS = {"67-79", "80+"}


def reach_advice(
    dimension: str, key: str, label: str, dimension_label: str, area: str, *, users: bool = False
) -> str:
    """Say that a group is under-represented and how to reach that group (not another one).

    ``users``: compared with the registered service users, not with the people living in ``area``.
    """
    if users:
        found = _(
            "Fewer answered from %(group)s (%(dimension)s) than their share of the registered users."
        ) % {
            "group": label,
            "dimension": dimension_label.lower(),
        }
    else:
        found = _("%(group)s (%(dimension)s) are under-represented in %(area)s.") % {
            "group": label,
            "dimension": dimension_label.lower(),
            "area": area,
        }
    if (dimension, key) in MINORITY_GROUPS:
        how = _(
            "Reach them where they are: ask immigrant and minority organisations active in %(area)s to "
            "help spread the survey or to join a user meeting (the organisations register lists them), "
            "offer the survey in the languages they read, and an interpreter at meetings."
        )
    elif (dimension, key) in MAJORITY_GROUPS:
        how = _(
            "They are the majority, so minority organisations and other languages will not reach them. "
            "Remind them through the service's own channels (meetings, messages, notes home), ask staff to "
            "mention the survey in person, and keep it short and easy to answer on a phone."
        )
    elif dimension == "gender":
        how = _(
            "Ask them directly and personally (at meetings, when they pick up or drop off, or in a message "
            "addressed to them), and check that the invitation and the questions speak to them too."
        )
    elif dimension == "age_band" and key in YOUNG_BANDS:
        how = _(
            "Use the channels they use: a text message with the link, a QR poster where they meet, and "
            "schools, youth clubs and youth councils in %(area)s."
        )
    elif dimension == "age_band" and key in OLD_BANDS:
        how = _(
            "Offer paper forms and help to answer (at home visits, in the service centre), with large text, "
            "and ask senior organisations and the council for the elderly to spread the word."
        )
    elif dimension == "district":
        how = _(
            "Reach them where they live: organisations active there, a kiosk or paper forms at a place "
            "people in that district visit, and a user meeting held there."
        )
    elif dimension == "functional_impairment":
        how = _(
            "Make answering easy for them: paper forms, help to answer, and a survey that works with a "
            "screen reader; ask user organisations for people with disabilities to spread the word."
        )
    else:
        how = _(
            "Find out where they can be reached (ask staff and organisations that know this group), and "
            "invite them there in person."
        )
    return f"{found} {how % {'area': area}}"


def next_steps(representation: Any, outcomes: OutcomeReport | None) -> list[str]:
    """Suggest next steps in plain language from the representation and gap findings."""
    steps: list[str] = []
    area = representation.catchment.label
    for dim, row in representation.under_represented:
        users = getattr(dim, "compared_with", "") == "users"
        steps.append(
            reach_advice(dim.dimension, row.key, row.groups or row.label, dim.label, area, users=users)
        )
    if outcomes is not None:
        for gap in outcomes.flagged:
            if gap.gap < 0:
                steps.append(
                    _(
                        "%(group)s are less satisfied with “%(question)s” (%(points)s percentage points "
                        "fewer in the top box than others). Hold a focus group or dialogue meeting with "
                        "them to learn why, and agree on a measure with an owner and a date."
                    )
                    % {
                        "group": gap.group_label,
                        "question": gap.question_text,
                        "points": f"{abs(gap.gap) * 100:.0f}",
                    }
                )
        if outcomes.weighting and outcomes.weighting.design_effect and outcomes.weighting.design_effect > 2:
            steps.append(
                _(
                    "Weighting to the population changes the results a lot: some groups answered far less "
                    "than others. Treat the results with care and aim for a more even response next round."
                )
            )
    if not steps:
        steps.append(
            _(
                "No group is clearly under-represented or clearly less satisfied. Keep inviting every "
                "group, and check again next round."
            )
        )
    return steps
