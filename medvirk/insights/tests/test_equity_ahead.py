"""The equity report is worked out in the worker and read from the cache (issue 21).

No request computes it: after a change of answers or population data the page and the API show
the last report made, marked "being updated", while the worker makes the new one; a report never
made sends the page to the job's progress and the API answers 202 (as the results do).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.core.jobs import execute_job
from medvirk.core.models import Job, JobStatus
from medvirk.insights import equity, equity_ahead, equity_outcomes
from medvirk.insights.disclosure import clear_cache, shared_get
from medvirk.insights.jobs import EQUITY_JOB
from medvirk.population.models import PopulationTable
from tests.jobs import DB_TASKS, forbid

from .equity_fixtures import closed_survey, import_population


@pytest.fixture
def _english(in_english: None) -> Iterator[None]:
    """In English, with no anonymity decision cached (rolled-back tests can reuse survey ids)."""
    clear_cache()
    yield
    clear_cache()


def _no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the report's computation fail: a request that computes it would answer 500."""
    forbid(
        monkeypatch,
        "a request computed the equity report",
        (equity, "survey_representation"),
        (equity_outcomes, "outcome_report"),
    )


@pytest.mark.usefixtures("_english")
def test_the_equity_report_is_made_in_the_worker_and_read_from_the_cache(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_population(demo)
    survey = closed_survey(demo)
    nord, sor = demo.units["Bydel Nord"].pk, demo.units["Sørbyen barnehage"].pk
    page_url = f"/population/equity/units/{nord}/?survey={survey.pk}"
    api_url = f"/api/v1/population/units/{nord}/representation?survey_id={survey.pk}"
    client = client_as("admin")
    # The worker words the questions as the code does when it makes the report (a matrix
    # statement read "… dette?: Barnet" before 8f4256e); pages name them as they are now.
    with monkeypatch.context() as then:
        worded_then = lambda stem, row: f"{stem}?: {row} (as worded then)"  # noqa: E731
        then.setattr(equity_outcomes, "statement_label", worded_then, raising=False)
        first = client.get(page_url)  # made at once by the immediate task backend
    assert first.status_code == 200 and "Being updated." not in first.content.decode()
    kept = shared_get(equity_ahead.kept(survey, nord, "en")[0][1])
    assert "What do you think of?: the staff (as worded then)" in [
        g.question_text for g in kept.outcomes.gaps
    ]

    with override_settings(TASKS=DB_TASKS):
        _no_computing(monkeypatch)
        again = client.get(page_url)  # from the cache: no computation, no job
        assert again.status_code == 200 and "Kilde: Statistisk sentralbyrå" in again.content.decode()
        assert "What do you think of: the staff" in again.content.decode()
        assert "as worded then" not in again.content.decode()
        assert not Job.objects.filter(kind=EQUITY_JOB, status=JobStatus.QUEUED).exists()
        assert client.get(api_url).json()["being_updated"] is False

        PopulationTable.objects.update(credit="Befolkningstall 2027")  # new population data
        late = client.get(page_url)
        html = late.content.decode()
        assert late.status_code == 200
        assert "Being updated." in html and "Kilde: Statistisk sentralbyrå" in html  # the last report
        data = client.get(api_url).json()
        assert data["being_updated"] is True and data["credits"][0].startswith(
            "Kilde: Statistisk sentralbyrå"
        )
        queued = Job.objects.filter(kind=EQUITY_JOB, status=JobStatus.QUEUED)
        assert queued.count() == 1  # the same user's page and API share one job
        # The alert follows the job making the new report and reloads the page when it is done;
        # without JavaScript "Update now" leads to the job's page, which links back here.
        updating = queued.get()
        assert f'hx-get="/jobs/{updating.pk}/?then=refresh"' in html
        assert "Waiting for the server to start the work." in html
        assert f'<a class="ds-link" href="/jobs/{updating.pk}/">Update now</a>' in html

        # A unit whose report was never made: the progress page, and 202 with the job.
        never = client.get(f"/population/equity/units/{sor}/?survey={survey.pk}")
        assert never.status_code == 302 and never["Location"].startswith("/jobs/")
        gaps = client.get(f"/api/v1/population/units/{sor}/gaps?survey_id={survey.pk}")
        assert gaps.status_code == 202 and gaps.json()["job"]["kind"] == EQUITY_JOB
        assert never["Location"] == f"/jobs/{gaps.json()['job_id']}/"

        monkeypatch.undo()
        for job in Job.objects.filter(kind=EQUITY_JOB, status=JobStatus.QUEUED):
            execute_job(job.pk)
        poll = client.get(f"/jobs/{updating.pk}/?then=refresh", headers={"HX-Request": "true"})
        assert poll.status_code == 286 and poll["HX-Refresh"] == "true"
        done = client.get(f"/jobs/{updating.pk}/").content.decode()
        assert f'href="{page_url}"' in done  # "Show the result", for browsers without JavaScript
        _no_computing(monkeypatch)
        fresh = client.get(page_url).content.decode()
        assert "Being updated." not in fresh and "Befolkningstall 2027" in fresh
        assert client.get(f"/population/equity/units/{sor}/?survey={survey.pk}").status_code == 200
        job = Job.objects.get(pk=gaps.json()["job_id"])
        assert job.status == JobStatus.DONE and job.result_url.endswith(f"?survey={survey.pk}")

    monkeypatch.undo()
    # warm_results makes the areas' reports ahead (the municipality and the districts the round
    # ran in), once per data version.
    assert {u.name for u in equity_ahead.areas(survey)} == {"Eksempel kommune", "Bydel Nord", "Bydel Sør"}
    assert equity_ahead.warm(survey, ["en"]) == 2  # Bydel Nord's English report is at hand
    assert equity_ahead.warm(survey, ["en"]) == 0


@pytest.mark.usefixtures("_english")
def test_kept_reports_are_capped_per_practical_size_and_old_data_versions_removed(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_population(demo)
    survey = closed_survey(demo)
    unit = demo.units["Sørbyen barnehage"]
    monkeypatch.setattr(equity_ahead, "KEEP_VERSIONS", 1)
    monkeypatch.setattr(equity_ahead, "KEEP_SIZES", 2)

    def kept() -> list[tuple[float, str]]:
        return equity_ahead.kept(survey, unit.pk, "en")

    equity_ahead.prepare(survey, unit, language="en")
    [(size, first)] = kept()
    assert size == equity_ahead.PRACTICAL_SIZE and shared_get(first) is not None
    PopulationTable.objects.update(credit="Befolkningstall 2027")  # a new data version
    equity_ahead.prepare(survey, unit, language="en")
    [(_size, second)] = kept()
    assert second != first and shared_get(first) is None and shared_get(second) is not None

    # Other practical sizes (the API takes any): the pages' own and the newest other one stay.
    equity_ahead.prepare(survey, unit, language="en", practical_size=0.2)
    equity_ahead.prepare(survey, unit, language="en", practical_size=0.3)
    assert [size for size, _key in kept()] == [0.3, equity_ahead.PRACTICAL_SIZE]
    assert shared_get(second) is not None
    assert shared_get(equity_ahead._latest_key(survey, unit.pk, "en", 0.2)) is None
    assert shared_get(equity_ahead._latest_key(survey, unit.pk, "en", 0.3)) is not None
    assert len([key for key in _local_shared() if key.startswith("mv-equity:")]) == 2


def _local_shared() -> list[str]:
    from medvirk.insights import disclosure

    return list(disclosure._LOCAL_SHARED)
