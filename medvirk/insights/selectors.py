"""Reads for survey results: straight from the long-form ``Answer`` table, one GROUP BY per need.

Counts are taken at survey-unit level for the *whole* survey and added up the organisation
tree in Python (see ``tables.py``). Suppression must see every group, whoever is looking, so
that two people with different scopes get the same decisions and cannot combine them; what a
user may *see* is decided by ``accounts.access`` on the nodes of that tree. Row-level reads
(free text, response-level export) are scoped with ``scope_q`` in the query itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.http import Http404

from medvirk.accounts.access import can, municipality_id_of, pk_or_404, row_or_404, scope_q
from medvirk.accounts.permissions import Perm
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.models import (
    BG_FIELDS,
    AccessCode,
    Answer,
    Invitation,
    Response,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyStatus,
    SurveyUnit,
)
from medvirk.surveys.selectors import round_tree_units

from .counted import counted_responses

BG_COLUMNS = BG_FIELDS  # background dimension key → column on ``Response``


@dataclass(frozen=True, slots=True)
class Node:
    """A unit in the survey's tree: a survey unit or an ancestor of one."""

    id: int
    name: str
    parent_id: int | None
    path: str
    depth: int
    is_survey_unit: bool
    unit: OrgUnit = field(compare=False, repr=False)


@dataclass(frozen=True)
class SurveyTree:
    """The survey units and all their ancestors, in path order."""

    nodes: dict[int, Node]
    children: dict[int, tuple[int, ...]]

    def ancestors(self, node_id: int) -> list[int]:
        """Return the ids above ``node_id``, root first."""
        out: list[int] = []
        parent = self.nodes[node_id].parent_id
        while parent is not None and parent in self.nodes:
            out.append(parent)
            parent = self.nodes[parent].parent_id
        return out[::-1]

    def siblings(self, node_id: int) -> list[int]:
        """Return the other children of ``node_id``'s parent (empty for the root)."""
        parent = self.nodes[node_id].parent_id
        if parent is None or parent not in self.nodes:
            return []
        return [c for c in self.children.get(parent, ()) if c != node_id]

    def survey_units_below(self, node_id: int) -> list[int]:
        """Return the survey units at or below ``node_id``."""
        path = self.nodes[node_id].path
        return [n.id for n in self.nodes.values() if n.is_survey_unit and n.path.startswith(path)]


def survey_tree(*, survey: Survey) -> SurveyTree:
    """Return the survey's units and their ancestors: a closed round's as they stood when it closed.

    ``surveys.selectors.round_tree_units`` (one or two queries) says why a closed round keeps its tree.
    """
    nodes: dict[int, Node] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for t in round_tree_units(survey=survey):
        nodes[t.unit.pk] = Node(
            t.unit.pk, t.unit.name, t.parent_id, t.path, t.depth, t.is_survey_unit, t.unit
        )
        if t.parent_id is not None:
            children[t.parent_id].append(t.unit.pk)
    return SurveyTree(nodes, {k: tuple(v) for k, v in children.items()})


def surveys_with_results(*, user: Any) -> list[Survey]:
    """Return the surveys in which the user may see results for at least one unit."""
    visible = SurveyUnit.objects.filter(
        scope_q(user, Perm.RESULTS_VIEW, path_field="unit__path"),
        co_located("unit"),
        municipality_id=user.municipality_id,
    )
    return list(
        Survey.objects.filter(
            co_located("owner_unit"), municipality_id=user.municipality_id, pk__in=visible.values("survey_id")
        )
        .select_related("owner_unit")
        .order_by("series", "-created_on", "-id")
    )


def visible_nodes(*, user: Any, tree: SurveyTree) -> list[int]:
    """Return the tree nodes the user may see results for, in path order."""
    return [n.id for n in tree.nodes.values() if can(user, Perm.RESULTS_VIEW, n.unit)]


def access_survey_results(
    *, user: Any, survey_id: Any, unit_id: Any = None, perm: Perm = Perm.RESULTS_VIEW
) -> tuple[Survey, SurveyTree, int]:
    """Return the survey, its tree and the node to show; 404 when missing or forbidden.

    Without ``unit_id`` the highest node the user may see is chosen.
    """
    rows = Survey.objects.select_related("owner_unit", "municipality").filter(co_located("owner_unit"))
    survey = row_or_404(rows, survey_id, municipality_id=municipality_id_of(user))
    tree = survey_tree(survey=survey)
    if unit_id in (None, ""):
        allowed = [n for n in tree.nodes.values() if can(user, perm, n.unit)]
        if not allowed:
            raise Http404
        return survey, tree, min(allowed, key=lambda n: (n.depth, n.path)).id
    node_id = pk_or_404(unit_id)
    node = tree.nodes.get(node_id)
    if node is None or not can(user, perm, node.unit):
        raise Http404
    return survey, tree, node_id


def previous_round(*, survey: Survey) -> Survey | None:
    """Return the closed round of the same series created last before this one, if any.

    Only a closed round's figures are shown (``release``), so only one is compared with.
    """
    return (
        Survey.objects.filter(
            municipality_id=survey.municipality_id, series=survey.series, status=SurveyStatus.CLOSED
        )
        .filter(Q(created_on__lt=survey.created_on) | Q(created_on=survey.created_on, pk__lt=survey.pk))
        .order_by("-created_on", "-id")
        .first()
    )


@dataclass(frozen=True)
class Registry:
    """Question and option ids of a survey keyed both ways."""

    question_by_key: dict[str, SurveyQuestion]
    option_key: dict[int, str]  # option id → key
    option_id: dict[tuple[int, str], int]  # (question id, key) → option id


def registry(*, survey: Survey) -> Registry:
    """Return the survey's question and option registry (two queries)."""
    municipality = survey.municipality_id
    questions = {q.key: q for q in SurveyQuestion.objects.filter(municipality_id=municipality, survey=survey)}
    options = list(
        SurveyOption.objects.filter(
            co_located("question"), municipality_id=municipality, question__survey=survey
        ).values_list("id", "question_id", "key")
    )
    return Registry(
        questions, {oid: key for oid, _q, key in options}, {(q, key): oid for oid, q, key in options}
    )


def complete_responses(survey: Survey) -> QuerySet[Response]:
    """The round's complete responses, read by municipality (one shard on Citus, docs/scaling.md)."""
    return Response.objects.filter(municipality_id=survey.municipality_id, survey=survey, complete=True)


def complete_answers(survey: Survey) -> QuerySet[Answer]:
    """The answers of the round's complete responses; both tables named by the municipality."""
    return Answer.objects.filter(
        co_located("response"), municipality_id=survey.municipality_id, survey=survey, response__complete=True
    )


def respondent_counts(*, survey: Survey, by: str | None = None) -> dict[tuple[int, str], int]:
    """Return complete responses per (survey unit, background category or "")."""
    columns = ["unit_id"] + ([BG_COLUMNS[by]] if by else [])
    # COUNT(*): the columns are all in the partial index, so it can be counted from the index alone.
    rows = complete_responses(survey).values(*columns).annotate(n=Count("*")).order_by()
    return {(r["unit_id"], r[BG_COLUMNS[by]] if by else ""): r["n"] for r in rows}


def answer_counts(
    *,
    survey: Survey,
    question_ids: list[int] | None = None,
    by: str | None = None,
    counted_only: bool = False,
) -> dict[tuple[int, int, int | None, str], int]:
    """Return answers of complete responses per (unit, question, option, background category).

    One ``GROUP BY`` on ``Answer``; with ``by`` it joins ``Response`` for the ``bg_*`` column.
    The category is "" without ``by`` and for "prefer not to say"/unanswered. ``counted_only``
    counts only responses that count towards the anonymity threshold (``counted.py``).
    """
    qs = complete_answers(survey)
    if counted_only:
        qs = qs.filter(counted_responses("response__"))
    if question_ids is not None:
        qs = qs.filter(question_id__in=question_ids)
    columns = ["unit_id", "question_id", "option_id"]
    if by:
        columns.append(f"response__{BG_COLUMNS[by]}")
    rows = qs.values_list(*columns).annotate(n=Count("id")).order_by()
    if by:
        return {(u, q, o, bg): n for u, q, o, bg, n in rows}
    return {(u, q, o, ""): n for u, q, o, n in rows}


def invited_counts(*, survey: Survey) -> dict[int, int]:
    """Return, per survey unit, how many were invited, where that is known.

    The number of users the unit entered wins; otherwise invitations sent plus codes issued.
    """
    out: dict[int, int] = {}
    municipality = survey.municipality_id
    units = SurveyUnit.objects.filter(municipality_id=municipality, survey=survey).order_by()
    for unit_id, user_count in units.values_list("unit_id", "user_count"):
        if user_count:
            out[unit_id] = user_count
    sent = (
        Invitation.objects.filter(
            co_located("survey_unit"),
            municipality_id=municipality,
            survey_unit__survey=survey,
            sent_on__isnull=False,
        )
        .values_list("survey_unit__unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    codes = (
        AccessCode.objects.filter(
            co_located("survey_unit"), municipality_id=municipality, survey_unit__survey=survey
        )
        .values_list("survey_unit__unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    extra: dict[int, int] = defaultdict(int)
    for unit_id, n in [*sent, *codes]:
        extra[unit_id] += n
    for unit_id, n in extra.items():
        out.setdefault(unit_id, n)
    return out


def text_answers(
    *, user: Any, survey: Survey, question_id: int, unit_ids: list[int]
) -> Iterator[tuple[int, str]]:
    """Yield (unit id, text) of free-text answers in complete responses, scoped to the user.

    In id order, i.e. the order they came: never list them so (``tables.SurveyResults.texts``
    sorts them by what they say)."""
    qs = (
        complete_answers(survey)
        .filter(
            co_located("unit"),
            scope_q(user, Perm.RESULTS_VIEW, path_field="unit__path"),
            question_id=question_id,
            unit_id__in=unit_ids,
        )
        .exclude(value_text="")
        .order_by("id")
        .values_list("unit_id", "value_text")
    )
    yield from qs.iterator(chunk_size=2000)


def number_values(*, survey: Survey, question_id: int, unit_ids: list[int]) -> list[float]:
    """Return the answers to a number question in complete responses of the given units."""
    values = (
        complete_answers(survey)
        .filter(question_id=question_id, unit_id__in=unit_ids, value_num__isnull=False)
        .values_list("value_num", flat=True)
    )
    return [value for value in values if value is not None]  # none is; the filter says so


def ranking_sums(
    *, survey: Survey, question_id: int, unit_ids: list[int]
) -> dict[int, tuple[float, int, int]]:
    """Return option id → (sum of places, times ranked first, times ranked) in complete responses
    of the given units (one GROUP BY)."""
    rows = (
        complete_answers(survey)
        .filter(question_id=question_id, unit_id__in=unit_ids)
        .exclude(option_id=None)
        .values_list("option_id")
        .annotate(places=Sum("value_num"), first=Count("id", filter=Q(value_num=1)), ranked=Count("id"))
        .order_by()
    )
    return {oid: (float(places or 0), first, ranked) for oid, places, first, ranked in rows}


def ranking_firsts_by_unit(*, survey: Survey, question_id: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Return (unit id, option id) → (times put first, of them through a counted channel) in
    complete responses (one GROUP BY): the first places every group's figures add up from."""
    rows = (
        complete_answers(survey)
        .filter(question_id=question_id, value_num=1)
        .exclude(option_id=None)
        .values_list("unit_id", "option_id")
        .annotate(first=Count("id"), counted=Count("id", filter=counted_responses("response__")))
        .order_by()
    )
    return {(uid, oid): (first, counted) for uid, oid, first, counted in rows}


#: Separates the values, and the values from the question ids, in a packed answers column.
PACK_SEP = "\x1f"
#: Starts a packed value that stands for a free-text answer: the answer's id follows.
TEXT_MARK = "\x1d"


def _packed_answers_sql() -> str:
    """Return SQL packing a response's answers into one string.

    The string is ``v1 SEP v2 … SEP q1 q2 … SEP``: the values, then the question ids in the
    same order, then an empty word, so that ``packed.split(PACK_SEP)`` gives the values, the id
    list (at -2) and "" (at -1, for unanswered questions). A value is the option key (rating
    values are keys "1".."6", "dont_know") or the number; a free-text (or date) answer is
    ``TEXT_MARK`` and the answer's id (no text leaves the database this way: the export has no
    free text, and a date's year is read with ``response_years``). Many responses share the id
    list, so a reader can map it to columns once and reuse the mapping (see
    ``exports._column_plan``). The database does the pivot (one row per response), which is
    what lets a response-level export stream tens of thousands of rows a second from the
    long-form table.
    """
    answer, response, option = Answer._meta.db_table, Response._meta.db_table, SurveyOption._meta.db_table
    if connection.vendor == "postgresql":
        agg, sep, mark, cast = "string_agg", "chr(31)", "chr(29)", "::text"
    else:
        agg, sep, mark, cast = "group_concat", "char(31)", "char(29)", ""
    num, aid, qid = f"a.value_num{cast}", f"a.id{cast}", f"a.question_id{cast}"
    values = (
        f"{agg}(CASE WHEN a.value_text = '' THEN coalesce(o.key, {num}, '') ELSE {mark} || {aid} END, {sep})"
    )
    ids = f"{agg}({qid}, ' ')"
    return (
        f"SELECT coalesce({values}, '') || {sep} || coalesce({ids}, '') || {sep} "  # noqa: S608
        f"FROM {answer} a LEFT JOIN {option} o ON o.id = a.option_id WHERE a.response_id = {response}.id"
    )


def _exported_responses(*, user: Any, survey: Survey, unit_ids: list[int]) -> QuerySet[Response]:
    """The complete responses of these units in the user's raw-export scope, in id order."""
    return Response.objects.filter(
        scope_q(user, Perm.RESULTS_EXPORT_RAW, path_field="unit__path"),
        survey=survey,
        complete=True,
        unit_id__in=unit_ids,
    ).order_by("id")


def response_rows(
    *, user: Any, survey: Survey, unit_ids: list[int], batch: int = 2000
) -> Iterator[list[tuple[Any, ...]]]:
    """Yield lists of (id, unit, language, bg_* …, packed answers) of complete responses.

    In id order, ``batch`` rows at a time, scoped to the user's raw-export right. See
    ``_packed_answers_sql`` for the packed column. Each batch is its own short query (the
    next ids after the last one), so memory holds one batch whatever the size of the survey,
    and no cursor or transaction stays open while the caller writes: a background export's
    progress reports are committed as they are made. (Responses completed while the export
    runs may or may not be in it.)
    """
    qs = (
        _exported_responses(user=user, survey=survey, unit_ids=unit_ids)
        .annotate(packed=RawSQL(_packed_answers_sql(), []))  # noqa: S611 — constant SQL, no input
        .values_list("id", "unit_id", "language", *BG_COLUMNS.values(), "packed")
    )
    last = 0
    while chunk := list(qs.filter(id__gt=last)[:batch]):
        yield chunk
        last = chunk[-1][0]


def response_quasi_identifiers(*, user: Any, survey: Survey, unit_ids: list[int]) -> list[tuple[Any, ...]]:
    """Return (id, unit, language, bg_* …, counted) of the complete responses ``response_rows``
    yields, in id order: what the response-level export's k-anonymity is decided on
    (``exports._withheld``). One query without the answers: a few small values per response."""
    return list(
        _exported_responses(user=user, survey=survey, unit_ids=unit_ids)
        .annotate(counted=ExpressionWrapper(counted_responses(), output_field=BooleanField()))
        .values_list("id", "unit_id", "language", *BG_COLUMNS.values(), "counted")
    )


def response_years(
    *, user: Any, survey: Survey, unit_ids: list[int], question_ids: list[int]
) -> dict[int, dict[int, str]]:
    """Return response id → question id → the year of its date answer (``YYYY``), for the
    complete responses ``response_rows`` yields and the given date questions: all the
    response-level export says of a date (``exports._withheld`` counts it as a
    quasi-identifier). One query; the database cuts the dates."""
    if not question_ids:
        return {}
    rows = (
        _exported_answers(user, survey, unit_ids, question_ids)
        .exclude(value_text="")
        .annotate(year=Substr("value_text", 1, 4))
        .values_list("response_id", "question_id", "year")
    )
    return _by_response(rows)


def response_numbers(
    *, user: Any, survey: Survey, unit_ids: list[int], question_ids: list[int]
) -> dict[int, dict[int, float]]:
    """Return response id → question id → its number answer, for the complete responses
    ``response_rows`` yields and the given number questions (``exports._withheld`` turns them
    into ranges, quasi-identifiers like the dates' years). One query."""
    if not question_ids:
        return {}
    rows = (
        _exported_answers(user, survey, unit_ids, question_ids)
        .exclude(value_num=None)
        .values_list("response_id", "question_id", "value_num")
    )
    return _by_response(rows)


def _exported_answers(
    user: Any, survey: Survey, unit_ids: list[int], question_ids: list[int]
) -> QuerySet[Answer]:
    return Answer.objects.filter(
        response__in=_exported_responses(user=user, survey=survey, unit_ids=unit_ids),
        question_id__in=question_ids,
    )


def _by_response(rows: Any) -> dict[int, dict[int, Any]]:
    found: dict[int, dict[int, Any]] = defaultdict(dict)
    for response_id, question_id, value in rows:
        found[response_id][question_id] = value
    return dict(found)


def answerer_counts(
    *, survey: Survey, question_ids: list[int], by: str | None = None
) -> dict[tuple[int, int, str], int]:
    """Return distinct responses answering each question per (unit, question, category).

    Needed for multiple-choice questions, where one respondent has several answer rows.
    """
    if not question_ids:
        return {}
    columns = ["unit_id", "question_id"] + ([f"response__{BG_COLUMNS[by]}"] if by else [])
    rows = (
        complete_answers(survey)
        .filter(question_id__in=question_ids)
        .values_list(*columns)
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    if by:
        return {(u, q, bg): n for u, q, bg, n in rows}
    return {(u, q, ""): n for u, q, n in rows}


@dataclass(frozen=True)
class RoundProgress:
    """How far a running round has come in the highest unit the user may read results for.

    ``respondents`` and ``rate`` are exactly what the results page shows for that unit: None
    where the round's disclosure decision hides the count (see :mod:`.disclosure`), or while no
    decision is ready yet (``pending``: the worker is making it).
    """

    unit_name: str
    respondents: int | None
    invited: int | None
    rate: float | None
    pending: bool = False

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def _decided_results(*, user: Any, survey: Survey, tree: SurveyTree) -> Any:
    """Return the round's results with the last decision made (never decided here, issue 16),
    or None while the worker makes the first one."""
    from .disclosure import NotReady  # disclosure builds on these selectors
    from .jobs import ResultsPending, prepared_results  # jobs builds on tables
    from .tables import SurveyResults  # tables builds on these selectors

    try:
        results = prepared_results(user=user, results=SurveyResults(survey, tree), next_url="")
        results.respondent_table  # noqa: B018 — NotReady surfaces here, not later in a template
    except (ResultsPending, NotReady):  # NotReady: the earlier decision lost a part (forgotten)
        return None
    return results


def round_progress(*, user: Any, survey: Survey, node_id: int | None = None) -> RoundProgress | None:
    """Return the round's answers so far for unit ``node_id`` (default: the user's highest results
    unit), or None without access."""
    tree = survey_tree(survey=survey)
    allowed = [
        n
        for n in tree.nodes.values()
        if (node_id is None or n.id == node_id) and can(user, Perm.RESULTS_VIEW, n.unit)
    ]
    if not allowed:
        return None
    node = min(allowed, key=lambda n: (n.depth, n.path))
    results = _decided_results(user=user, survey=survey, tree=tree)
    if results is None:
        return RoundProgress(node.name, None, None, None, pending=True)
    group = results.group(node.id)
    respondents = group.respondents if group.shown else None
    return RoundProgress(
        node.name, respondents, group.invited, group.rate.estimate if group.rate is not None else None
    )


@dataclass(frozen=True)
class DecidedCount:
    """A unit's complete responses as the round's anonymity decision lets them be said.

    ``count`` is the number where the decision shows it, else None: ``status`` says why —
    ``primary`` (fewer than the threshold count), ``secondary`` (hidden so that a smaller
    unit's count cannot be worked out from it), or ``pending`` (the first decision is being made).
    """

    count: int | None
    status: str


def decided_unit_counts(*, user: Any, survey: Survey) -> dict[int, DecidedCount]:
    """Return each survey unit's (by unit id) complete responses as the results show them.

    For pages that tell those who distribute a survey how far it has come (the survey's page,
    ``GET /api/v1/surveys/{id}/units``): the live, exact count told a hidden unit's size, so
    that "district − shown units − that unit" pinned a small sibling (red team 2026-12-07).
    The last decision's counts, as the home page's (``round_progress``).
    """
    tree = survey_tree(survey=survey)
    units = [n.id for n in tree.nodes.values() if n.is_survey_unit]
    if survey.status == SurveyStatus.DRAFT and not complete_responses(survey).exists():
        return {u: DecidedCount(0, "shown") for u in units}  # nothing to decide: no job per page view
    results = _decided_results(user=user, survey=survey, tree=tree)
    if results is None:
        return {u: DecidedCount(None, "pending") for u in units}
    out = {}
    for unit in units:
        group = results.group(unit)
        out[unit] = DecidedCount(group.respondents if group.shown else None, group.status)
    return out
