"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.core.models import Job, JobStatus
from medvirk.surveys import services
from medvirk.surveys.models import Survey, SurveyStatus
from tests.matrix_support import (
    EKS,
    ONCE,
    VIEW,
    Case,
    any_,
    api,
    built_once,
    in_,
    page,
    pk,
    staff,
    target_unit,
    uid,
)

from .factories import answer_many, close, kindergartens, make_survey

RAW = {
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "provestad.admin": {"foreign"},
}


def _survey(d: DemoData, t: str, *, answered: bool = False, closed: bool = False) -> Survey:
    """Return an (anonymous) survey covering the target unit, closed (its results are shown only
    then) with ``closed``, with 5 answers per kindergarten and closed with ``answered``. Made once
    for the whole matrix (``_rounds``); a cell finds it."""
    foreign = t == "foreign"
    muni = d.other if foreign else d.municipality
    label = "matrix-answered" if answered else "matrix"
    existing = Survey.objects.filter(municipality=muni, round_label=label).first()
    if existing:
        return existing
    survey = make_survey(d, round_label=label, foreign=foreign, anonymous=True)
    if answered:
        units = [d.other_units["Torget barnehage"]] if foreign else kindergartens(d)
        for unit in units:
            answer_many(survey, unit, [5, 5, 6, 4, 3])
    if answered or closed:
        close(survey)  # results and response-level exports only of closed rounds
    return survey


@built_once
def _rounds(d: DemoData) -> None:
    """The rounds of this module's cells, in both municipalities: made once (tests/matrix_support.py)."""
    for t in ("own", "foreign"):
        _survey(d, t, closed=True)
        _survey(d, t, answered=True)
    _closed_survey_id(d)


survey_id = pk(lambda d, t: _survey(d, t, closed=True))


def answered_id(d: DemoData, t: str) -> int:
    return _survey(d, t, answered=True).pk


R = "/results/{s}/"
Q = "?unit={u}&question=q_overall&by=unit"  # the query string of each results page
API = "GET /api/v1/results/surveys/{survey_id}"


def _prepare(c: Any, d: DemoData, t: str) -> Any:
    survey = _survey(d, t, answered=True)
    url = f"/results/{survey.pk}/responses/prepare/?unit={target_unit(d, t).pk}"
    response = c.post(url, {"format": "csv"})
    _job_done(response.status_code == 302 and response["Location"].startswith("/jobs/"))
    return response


def _job_done(started: bool) -> None:
    """A started export job must also finish (jobs run inside the request in tests)."""
    if started:
        job = Job.objects.filter(kind="insights.export").latest("id")
        assert job.status == JobStatus.DONE and job.result_file, job.error
        job.result_file.delete(save=False)  # the database is rolled back; the file would stay


def _prepare_report(c: Any, d: DemoData, t: str) -> Any:
    """A unit without units below redirects to its PDF; the municipality's report becomes a job."""
    response = c.post(f"/results/{_survey(d, t, closed=True).pk}/report/prepare/?unit={target_unit(d, t).pk}")
    if response.status_code == 302 and response["Location"].startswith("/jobs/"):
        job = Job.objects.filter(kind="insights.report_pdf").latest("id")
        assert job.status == JobStatus.DONE and job.result_file, job.error
        job.result_file.delete(save=False)  # the database is rolled back; the file would stay
    return response


def _api_prepare(c: Any, d: DemoData, t: str) -> Any:
    response = api(
        "POST /api/v1/results/surveys/{survey_id}/exports",
        in_(RAW),
        None,
        lambda d, t: {"unit_id": uid(d, t), "format": "xlsx"},
        survey_id=answered_id,
    ).call(c, d, t)
    _job_done(response.status_code == 202)
    return response


CASES: list[Case] = [
    page("insights:survey_list", "/results/", any_(VIEW), ONCE),
    page("insights:survey_results", R + Q, in_(VIEW), s=survey_id, u=uid),
    page("insights:crosstab", R + "crosstab/" + Q, in_(VIEW), s=survey_id, u=uid),
    page("insights:text_answers", R + "text/" + Q, in_(VIEW), s=survey_id, u=uid),
    page("insights:export", R + "export/" + Q, in_(VIEW), s=survey_id, u=uid),
    page("insights:report_pdf", R + "report.pdf" + Q, in_(VIEW), s=survey_id, u=uid),
    Case("insights:report_pdf_start", _prepare_report, in_(VIEW)),
    page("insights:export_raw", R + "responses/" + Q, in_(RAW), s=answered_id, u=uid),
    Case("insights:export_raw_start", _prepare, in_(RAW)),
    api("GET /api/v1/results/surveys", staff, ONCE),
    api(API, in_(VIEW), query="unit_id={u}", survey_id=survey_id, u=uid),
    api(
        API + "/crosstab",
        in_(VIEW),
        query="question=q_overall&by=gender&unit_id={u}",
        survey_id=survey_id,
        u=uid,
    ),
    api(API + "/export", in_(VIEW), query="unit_id={u}", survey_id=survey_id, u=uid),
    api(API + "/text", in_(VIEW), query="question=q_why&unit_id={u}", survey_id=survey_id, u=uid),
    api(API + "/responses", in_(RAW), query="format=sav&unit_id={u}", survey_id=answered_id, u=uid),
    Case("api:POST /api/v1/results/surveys/{survey_id}/exports", _api_prepare, in_(RAW), api=True),
]

# The equity report (``views_equity``, under /population/equity/) and its API.
CASES += [
    page("equity:index", "/population/equity/", any_(VIEW), ONCE),
    page("equity:export", "/population/equity/units/{u}/export.csv?year=2026", in_(VIEW), u=uid),
    page("equity:report", "/population/equity/units/{u}/", in_(VIEW), u=uid),
    api("GET /api/v1/population/units/{unit_id}/representation", in_(VIEW), unit_id=uid),
    api(
        "GET /api/v1/population/units/{unit_id}/gaps",
        # The survey belongs to Eksempel kommune, so a Prøvestad unit never finds it.
        lambda a, t: t in VIEW.get(a, set()) and t != "foreign",
        query="survey_id={s}",
        unit_id=uid,
        s=lambda d, t: _closed_survey_id(d),
    ),
]


def _closed_survey_id(d: DemoData) -> int:
    """Return a closed survey round (no answers) of three of Eksempel kommune's kindergartens."""
    existing = Survey.objects.filter(municipality=d.municipality, round_label="M").first()
    if existing:  # made once for the matrix (``_rounds``)
        return existing.pk
    units = [d.units[n] for n in ("Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage")]
    survey = make_survey(d, round_label="M", units=units)
    services.survey_set_status(actor=d.users["admin"], survey=survey, status=SurveyStatus.CLOSED)
    return survey.pk
