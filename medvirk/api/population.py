"""API endpoints of the population module: imports, tables, mapping, user counts, equity analyses.

The same access helpers and services as the pages, so the same scoping and the same anonymity rules.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.insights import analysis_words, equity, equity_ahead
from medvirk.insights.jobs import ResultsPending
from medvirk.population import selectors, services, usercounts_import
from medvirk.population.models import PopulationTable

from .base import error_body, fields_of, json_number
from .jobs import job_out

router = Router(tags=["population"])


class TableOut(Schema):
    id: int
    table_id: str
    year: int
    title: str
    source: str
    credit: str
    licence: str
    issues: list[dict[str, Any]]


class EntryOut(Schema):
    id: int
    source_dimension: str
    target_dimension: str
    source_code: str
    source_label: str
    target_key: str
    status: str
    note: str


class TableDetailOut(TableOut):
    mapping: list[EntryOut]
    population: dict[str, int]


class ImportIn(Schema):
    filename: str = ""
    document: dict[str, Any] | None = None  # a JSON-stat 2.0 dataset
    csv: str | None = None
    source: str = ""
    year: int | None = None
    replace: bool = False


class MappingIn(Schema):
    target_key: str | None = None


class UserCountsIn(Schema):
    year: int
    dimension: str
    counts: dict[str, int | None]


class UserCountsImportIn(Schema):
    year: int
    csv: str
    dry_run: bool = False


def _out(t: PopulationTable) -> TableOut:
    return TableOut(**fields_of(t, TableOut, issues=selectors.issues_in_words(t.issues)))


def _rejected(error: services.ImportRejected) -> Status[dict[str, Any]]:
    return Status(400, error_body(error.code, str(error.message), field=error.field, issues=error.issues))


@router.get("/population/tables", response=list[TableOut])
def list_tables(request: HttpRequest) -> list[TableOut]:
    """List the municipality's imported population tables."""
    root = selectors.access_population_root(request.user)
    return [_out(t) for t in selectors.tables_for(municipality=root.municipality)]


@router.post("/population/tables", response={201: TableOut, 400: dict})
def import_table(request: StaffRequest, payload: ImportIn) -> Status[Any]:
    """Import a JSON-stat 2.0 dataset (``document``) or CSV text (``csv``), all or nothing."""
    root = selectors.access_population_root(request.user)
    if (payload.document is None) == (payload.csv is None):
        return Status(400, error_body("document_required", "Send either document or csv."))
    if payload.document is not None:
        data, filename = json.dumps(payload.document).encode(), payload.filename or "upload.json"
    else:
        data, filename = (payload.csv or "").encode(), payload.filename or "upload.csv"
    try:
        table = services.table_import(
            actor=request.user,
            municipality=root.municipality,
            data=data,
            filename=filename,
            source=payload.source,
            year=payload.year,
            replace=payload.replace,
        )
    except services.ImportRejected as error:
        return _rejected(error)
    return Status(201, _out(table))


@router.get("/population/tables/{table_id}", response=TableDetailOut)
def get_table(request: HttpRequest, table_id: int) -> TableDetailOut:
    """Return a table with its mapping and population per region."""
    t = selectors.access_table_by_id(request.user, table_id)
    population = dict(t.counts.filter(dimension="__population__").values_list("region", "count"))
    return TableDetailOut(
        **_out(t).dict(),
        mapping=[EntryOut.from_orm(e) for e in t.mapping_entries.all()],
        population=population,
    )


@router.patch("/population/tables/{table_id}/mapping/{entry_id}", response={200: EntryOut, 400: dict})
def correct_mapping(request: StaffRequest, table_id: int, entry_id: int, payload: MappingIn) -> Any:
    """Map one source code to another standard category (null: not used) and recount."""
    entry = selectors.access_mapping_entry_by_id(request.user, table_id, entry_id)
    try:
        entry = services.mapping_correct(actor=request.user, entry=entry, target_key=payload.target_key)
    except services.ImportRejected as error:
        return _rejected(error)
    return EntryOut.from_orm(entry)


@router.get("/population/units/{unit_id}/user-counts", response=dict)
def get_user_counts(request: HttpRequest, unit_id: int, year: int) -> dict[str, Any]:
    """Return the user counts entered for a unit itself (not below it) in one year."""
    unit = access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    from medvirk.population.models import UserCount

    out: dict[str, dict[str, int]] = {}
    for d, c, n in UserCount.objects.filter(unit=unit, year=year).values_list(
        "dimension", "category", "count"
    ):
        out.setdefault(d, {})[c] = n
    return {"unit_id": unit.pk, "year": year, "counts": out}


@router.put("/population/units/{unit_id}/user-counts", response=dict)
def set_user_counts(request: StaffRequest, unit_id: int, payload: UserCountsIn) -> dict[str, Any]:
    """Replace a unit's user counts for one year and background dimension."""
    unit = access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    rows = services.user_counts_set(
        actor=request.user, unit=unit, year=payload.year, dimension=payload.dimension, counts=payload.counts
    )
    return {"unit_id": unit.pk, "year": payload.year, "dimension": payload.dimension, "rows": len(rows)}


@router.post("/population/units/{unit_id}/user-counts/import", response={200: dict, 400: dict})
def import_user_counts(request: StaffRequest, unit_id: int, payload: UserCountsImportIn) -> Any:
    """Import a unit's user counts for a year from CSV text (columns dimension, category, count).

    All or nothing: any bad line rejects the whole file with every problem listed by line number.
    Each dimension in the file replaces that year's counts for the dimension. ``dry_run`` only checks.
    """
    unit = access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    if not 1900 <= payload.year <= 2200:
        return Status(400, error_body("invalid_year", str(_("Give a year such as 2026.")), field="year"))
    preview = usercounts_import.parse_user_counts(payload.csv.encode("utf-8"), year=payload.year)
    if not preview.ok:
        issues = [{"line": line, "message": str(message)} for line, message in preview.errors]
        return Status(
            400, error_body("invalid_csv", str(_("The file was not imported.")), field="csv", issues=issues)
        )
    stored = 0
    if not payload.dry_run:
        stored = services.user_counts_import(
            actor=request.user, unit=unit, year=payload.year, counts=preview.counts
        )
    return {"unit_id": unit.pk, "year": payload.year, "counts": preview.counts, "stored": stored}


def _representation(report: equity.RepresentationReport) -> dict[str, Any]:
    # The analysis core's notes in the request's language, as the page says them.
    report = analysis_words.representation_in_words(report)
    return {
        "unit_id": report.unit.pk,
        "area": {"region": report.catchment.region, "label": report.catchment.label},
        "register": report.register,
        "threshold": report.threshold,
        "n": report.n,
        "credits": report.credits,
        "p_value_note": report.register_explanation if report.register else None,
        # A survey round's: who it is for and who answers, and who each dimension's respondents are
        # compared with ("users", "target", "everyone", "not_compared"), in words and as a key.
        "target": report.target_words or None,
        "compared_with": report.compared_with,
        "dimensions": [
            {
                "dimension": d.dimension,
                "compared_with": d.compared_with or None,
                "shown": d.shown,
                "n": d.n,
                "n_not_comparable": d.n_not_comparable,
                "note": d.note,
                "chi_square": (
                    {
                        "statistic": d.chi_square.statistic,
                        "df": d.chi_square.df,
                        "p_value": d.chi_square.p_value,
                    }
                    if d.chi_square
                    else None
                ),
                "r_indicator": d.r_indicator,
                "partial_r": d.partial_r,
                "groups": [
                    {
                        "key": r.key,
                        "combined_small_groups": r.hidden,
                        "outside_target_group": r.outside,
                        "n": r.n,
                        "population": r.population,
                        "share": json_number(r.share),
                        "share_interval": json_number(r.share_interval) if r.share_interval else None,
                        "population_share": json_number(r.population_share),
                        "ratio": json_number(r.ratio),
                        "ratio_interval": json_number(r.ratio_interval) if r.ratio_interval else None,
                        "p_adjusted": json_number(r.p_adjusted),
                        "under_represented": r.under,
                        "partial_r": json_number(r.partial_r),
                    }
                    for r in d.rows
                ],
            }
            for d in report.dimensions
        ],
    }


def _being_prepared(pending: ResultsPending) -> Any:
    """Answer 202 with the job that makes a round's first equity report (as the results API does)."""
    message = _("The results of this round are being prepared. Ask again in a minute.")
    return Status(
        202,
        {
            "being_prepared": True,
            "message": str(message),
            "job_id": pending.job.pk,
            "job": job_out(pending.job),
        },
    )


def _prepared(request: HttpRequest, unit: Any, survey: Any, **kwargs: Any) -> equity_ahead.PreparedEquity:
    """The unit's report as the worker made it (``being_updated``: an earlier one while it is remade)."""
    next_url = f"/population/equity/units/{unit.pk}/?survey={survey.pk}"
    return equity_ahead.prepared_equity(
        user=request.user, survey=survey, unit=unit, next_url=next_url, **kwargs
    )


@router.get("/population/units/{unit_id}/representation", response={200: dict, 202: dict})
def get_representation(
    request: HttpRequest, unit_id: int, survey_id: int | None = None, year: int | None = None
) -> dict[str, Any]:
    """Compare a closed survey round's respondents (``survey_id``) or a year's users with the population."""
    unit = access_unit_by_id(request.user, unit_id, Perm.RESULTS_VIEW)
    if survey_id is not None:
        survey = equity.access_survey_for_unit(unit, survey_id)
        try:
            prepared = _prepared(request, unit, survey)
        except ResultsPending as pending:
            return _being_prepared(pending)
        return {**_representation(prepared.representation), "being_updated": prepared.stale}
    if year is not None:
        return _representation(equity.user_representation(unit=unit, year=year))
    return {
        "surveys": [s.pk for s in equity.surveys_for_unit(unit)],
        "years": selectors.user_count_years(unit=unit),
    }


@router.get("/population/units/{unit_id}/gaps", response={200: dict, 202: dict})
def get_gaps(
    request: HttpRequest, unit_id: int, survey_id: int, practical_size: float = 0.10
) -> dict[str, Any]:
    """Return outcome gaps per group and question and weighted vs unweighted headline results."""
    unit = access_unit_by_id(request.user, unit_id, Perm.RESULTS_VIEW)
    survey = equity.access_survey_for_unit(unit, survey_id)
    try:
        prepared = _prepared(request, unit, survey, practical_size=practical_size)
    except ResultsPending as pending:
        return _being_prepared(pending)
    # The analysis core's notes and reasons in the request's language, as the page says them.
    report = analysis_words.outcomes_in_words(prepared.outcomes)
    w = report.weighting
    return {
        "being_updated": prepared.stale,
        "unit_id": unit.pk,
        "survey_id": survey.pk,
        "threshold": report.threshold,
        "practical_size": report.practical_size,
        "gaps": [
            {
                "dimension": g.dimension,
                "group": g.group,
                "question": g.question,
                "n": g.n,
                "top_box": g.top_box,
                "top_box_rest": g.top_box_rest,
                "gap": json_number(g.gap),
                "interval": json_number(g.interval),
                "p_adjusted": json_number(g.p_adjusted),
                "flagged": g.flagged,
                "reason": g.reason,
                "adjusted_odds_ratio": json_number(g.adjusted.odds_ratio) if g.adjusted else None,
                "adjusted_reason": g.adjusted.reason if g.adjusted else None,
            }
            for g in report.gaps
        ],
        "weighting": (
            {
                "margins": w.margins,
                "n": w.n,
                "n_excluded": w.n_excluded,
                "design_effect": w.design_effect,
                "effective_n": w.effective_n,
                "converged": w.converged,
                "bounds_met": w.bounds_met,
                "merged": w.merged,
                "note": w.note,
            }
            if w
            else None
        ),
        "headline": [
            {
                "question": h.question,
                "n": h.n,
                "mean": h.mean,
                "mean_interval": json_number(h.mean_interval),
                "weighted_mean": h.weighted_mean,
                "weighted_mean_interval": json_number(h.weighted_mean_interval)
                if h.weighted_mean_interval
                else None,
                "top_box": h.top_box,
                "weighted_top_box": h.weighted_top_box,
            }
            for h in report.headline
        ],
    }
