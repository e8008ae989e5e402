"""Reports (PDF) of a district or the whole municipality are prepared in the background (issue 21):
a button starts the job, its page shows progress (htmx, or a refresh without JavaScript), the
file is named in the language of whoever asked, and the job checks the right again when it runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import RoleAssignment
from medvirk.core.jobs import execute_job
from medvirk.core.models import Job, JobStatus
from tests.jobs import DB_TASKS

from ..jobs import REPORT_JOB
from ..tables import SurveyResults
from .factories import answer_many, close, make_survey

pytestmark = pytest.mark.usefixtures("english_jobs")


@pytest.fixture
def survey(demo: DemoData) -> Any:
    # two kindergartens in two districts: the tree has districts and the municipality above them,
    # and the PDF stays small (a PDF of every kindergarten takes half a minute on a busy machine)
    s = make_survey(demo, units=[demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]])
    answer_many(s, demo.units["Solsikken barnehage"], [3, 4, 5, 6, 6, 5])
    answer_many(s, demo.units["Sørbyen barnehage"], [4, 4, 5, 5, 6, 6])
    # The round's anonymity decisions are made in the worker before any page reads them (issue
    # 16); with queued jobs (DB_TASKS) the report's button would first lead to that job.
    close(s)  # its figures are shown only once it has closed
    SurveyResults(s).disclosure.decide()
    return s


def _start(client: Any, survey: Any, unit: int) -> Any:
    return client.post(f"/results/{survey.pk}/report/prepare/?unit={unit}")


def test_the_municipalitys_report_is_prepared_in_the_background_and_named_in_the_users_language(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    root = demo.units[""]
    client = client_as("admin")
    page = client.get(f"/results/{survey.pk}/?unit={root.pk}").content.decode()
    assert f'action="/results/{survey.pk}/report/prepare/?unit={root.pk}"' in page
    assert "Prepare the report (PDF)" in page and "report.pdf" not in page
    # an old link to the file itself leads back to the page and says why
    direct = client.get(f"/results/{survey.pk}/report.pdf?unit={root.pk}")
    assert direct.status_code == 302 and direct["Location"] == f"/results/{survey.pk}/?unit={root.pk}"
    assert "prepared in the background" in str(next(iter(get_messages(direct.wsgi_request))))

    response = _start(client, survey, root.pk)
    job = Job.objects.get(kind=REPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total) == (3, 3) and job.message == "The report is ready."
    assert job.result_type == "application/pdf" and job.result_file.read().startswith(b"%PDF")
    assert job.result_name == f"User survey 2026 – {root.name} – report.pdf"
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"Download User survey 2026 – {root.name} – report.pdf" in done

    client.cookies["django_language"] = "nb"
    _start(client, survey, root.pk)
    in_bokmal = Job.objects.filter(kind=REPORT_JOB).latest("id")
    assert in_bokmal.pk != job.pk and in_bokmal.language == "nb"
    assert in_bokmal.result_name == f"Brukerundersøkelse 2026 – {root.name} – rapport.pdf"


@override_settings(TASKS=DB_TASKS)
def test_the_progress_page_works_without_javascript_and_the_job_checks_the_right_again(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    district = demo.units["Sørbyen barnehage"].parent
    assert district is not None and district.pk != demo.units[""].pk
    client = client_as("analytiker")
    job_url = _start(client, survey, district.pk)["Location"]
    job = Job.objects.get(kind=REPORT_JOB)
    assert job.status == JobStatus.QUEUED and job.params == {"survey_id": survey.pk, "unit_id": district.pk}
    assert _start(client, survey, district.pk)["Location"] == job_url  # no second job while it waits
    waiting = client.get(job_url).content.decode()
    assert "Preparing the report (PDF)" in waiting
    assert '<noscript><meta http-equiv="refresh"' in waiting  # without JavaScript the page reloads
    assert f'hx-get="{job_url}"' in waiting  # with it, htmx polls the status

    RoleAssignment.objects.filter(user=demo.users["analytiker"]).delete()  # the right is taken away
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file
    assert job.error == "You may no longer see this unit's results, so no report was made."


def test_a_unit_without_units_below_gets_its_report_at_once(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    client = client_as("leder.solsikken")
    page = client.get(f"/results/{survey.pk}/?unit={sol}").content.decode()
    assert f'href="/results/{survey.pk}/report.pdf?unit={sol}"' in page and "report/prepare/" not in page
    response = _start(client, survey, sol)
    assert response.status_code == 302
    assert response["Location"] == f"/results/{survey.pk}/report.pdf?unit={sol}"
    assert client.get(f"/results/{survey.pk}/report/prepare/?unit={sol}").status_code == 405
    assert _start(client, survey, demo.units[""].pk).status_code == 404  # not her unit
    assert not Job.objects.filter(kind=REPORT_JOB).exists()


@pytest.mark.sqlite_only  # WeasyPrint's set-up, not the database's: once is enough for CI
def test_unit_reports_share_one_font_setup_per_process(survey: Any, client_as: Any, demo: DemoData) -> None:
    """Fonts and stylesheets are set up once per process (issue 21: half a unit PDF's time), and
    each later document still embeds the report's font and carries its own unit's text."""
    import io

    from pypdf import PdfReader

    from .. import pdf

    pdf._styles.cache_clear()
    client = client_as("admin")
    texts = {}
    for name in ("Solsikken barnehage", "Sørbyen barnehage"):
        response = client.get(f"/results/{survey.pk}/report.pdf?unit={demo.units[name].pk}")
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        fonts = {
            str(font["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
        }
        assert any("Inter" in f for f in fonts), fonts
        texts[name] = "".join(page.extract_text() for page in reader.pages)
    assert pdf._styles.cache_info().misses == 1  # one font configuration for both documents
    assert "Solsikken barnehage" in texts["Solsikken barnehage"]
    assert "Sørbyen barnehage" in texts["Sørbyen barnehage"]
    assert "Solsikken barnehage" not in texts["Sørbyen barnehage"]
