"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.core.models import Job, JobStatus
from medvirk.surveys import services
from medvirk.surveys.models import Survey, SurveyStatus
from tests.matrix_support import EKS, VIEW, Case, any_, api_call, get, in_, staff, target_unit, uid

from .factories import answer_many, kindergartens, make_survey

RAW = {
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "provestad.admin": {"foreign"},
}


def _survey(d: DemoData, t: str, *, answered: bool = False) -> Survey:
    """Return an (anonymous) survey covering the target unit, with 5 answers per kindergarten."""
    foreign = t == "foreign"
    muni = d.other if foreign else d.municipality
    existing = Survey.objects.filter(municipality=muni, round_label="matrix").first()
    if existing:
        return existing
    survey = make_survey(d, round_label="matrix", foreign=foreign, anonymous=True)
    if answered:
        units = [d.other_units["Torget barnehage"]] if foreign else kindergartens(d)
        for unit in units:
            answer_many(survey, unit, [5, 5, 6, 4, 3])
    return survey


def _page(suffix: str, **kw: Any) -> Any:
    def call(c: Any, d: DemoData, t: str) -> Any:
        survey = _survey(d, t, **kw)
        return c.get(f"/results/{survey.pk}/{suffix}?unit={target_unit(d, t).pk}&question=q_overall&by=unit")

    return call


def _api(suffix: str, **kw: Any) -> Any:
    return api_call(
        "GET",
        lambda d, t: (
            f"/api/v1/results/surveys/{_survey(d, t, **kw).pk}{suffix}"
            + ("&" if "?" in suffix else "?")
            + f"unit_id={target_unit(d, t).pk}"
        ),
    )


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
    response = c.post(f"/results/{_survey(d, t).pk}/report/prepare/?unit={target_unit(d, t).pk}")
    if response.status_code == 302 and response["Location"].startswith("/jobs/"):
        job = Job.objects.filter(kind="insights.report_pdf").latest("id")
        assert job.status == JobStatus.DONE and job.result_file, job.error
        job.result_file.delete(save=False)  # the database is rolled back; the file would stay
    return response


def _api_prepare(c: Any, d: DemoData, t: str) -> Any:
    response = api_call(
        "POST",
        lambda d, t: f"/api/v1/results/surveys/{_survey(d, t, answered=True).pk}/exports",
        lambda d, t: {"unit_id": target_unit(d, t).pk, "format": "xlsx"},
    )(c, d, t)
    _job_done(response.status_code == 202)
    return response


CASES: list = [
    Case("insights:survey_list", lambda c, d, t: c.get("/results/"), any_(VIEW), per_target=False),
    Case("insights:survey_results", _page(""), in_(VIEW)),
    Case("insights:crosstab", _page("crosstab/"), in_(VIEW)),
    Case("insights:text_answers", _page("text/"), in_(VIEW)),
    Case("insights:export", _page("export/"), in_(VIEW)),
    Case("insights:report_pdf", _page("report.pdf"), in_(VIEW)),
    Case("insights:report_pdf_start", _prepare_report, in_(VIEW)),
    Case("insights:export_raw", _page("responses/", answered=True), in_(RAW)),
    Case("insights:export_raw_start", _prepare, in_(RAW)),
    Case(
        "api:GET /api/v1/results/surveys",
        api_call("GET", lambda d, t: "/api/v1/results/surveys"),
        staff,
        per_target=False,
        api=True,
    ),
    Case("api:GET /api/v1/results/surveys/{survey_id}", _api(""), in_(VIEW), api=True),
    Case(
        "api:GET /api/v1/results/surveys/{survey_id}/crosstab",
        _api("/crosstab?question=q_overall&by=gender"),
        in_(VIEW),
        api=True,
    ),
    Case("api:GET /api/v1/results/surveys/{survey_id}/export", _api("/export"), in_(VIEW), api=True),
    Case(
        "api:GET /api/v1/results/surveys/{survey_id}/text", _api("/text?question=q_why"), in_(VIEW), api=True
    ),
    Case(
        "api:GET /api/v1/results/surveys/{survey_id}/responses",
        _api("/responses?format=sav", answered=True),
        in_(RAW),
        api=True,
    ),
    Case("api:POST /api/v1/results/surveys/{survey_id}/exports", _api_prepare, in_(RAW), api=True),
]

# The equity report (``views_equity``, under /population/equity/) and its API.
EQUITY_API = "/api/v1/population"
CASES += [
    Case("equity:index", get("/population/equity/"), any_(VIEW), per_target=False),
    Case(
        "equity:export",
        lambda c, d, t: c.get(f"/population/equity/units/{uid(d, t)}/export.csv?year=2026"),
        in_(VIEW),
    ),
    Case(
        "equity:report",
        lambda c, d, t: c.get(f"/population/equity/units/{uid(d, t)}/"),
        in_(VIEW),
    ),
    Case(
        "api:GET /api/v1/population/units/{unit_id}/representation",
        api_call("GET", lambda d, t: f"{EQUITY_API}/units/{uid(d, t)}/representation"),
        in_(VIEW),
        api=True,
    ),
    Case(
        "api:GET /api/v1/population/units/{unit_id}/gaps",
        api_call("GET", lambda d, t: f"{EQUITY_API}/units/{uid(d, t)}/gaps?survey_id={_closed_survey_id(d)}"),
        # The survey belongs to Eksempel kommune, so a Prøvestad unit never finds it.
        lambda a, t: t in VIEW.get(a, set()) and t != "foreign",
        api=True,
    ),
]


def _closed_survey_id(d: DemoData) -> int:
    """Return a closed survey round (no answers) of three of Eksempel kommune's kindergartens."""
    units = [d.units[n] for n in ("Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage")]
    survey = make_survey(d, round_label="M", units=units)
    services.survey_set_status(actor=d.users["admin"], survey=survey, status=SurveyStatus.CLOSED)
    return survey.pk
