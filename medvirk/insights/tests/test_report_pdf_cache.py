"""Report PDFs are kept as laid out (issue 21): a repeat download only reads the kept file, new
answers give a new PDF, and each report keeps a few versions only.

WeasyPrint is replaced by a stand-in that writes a digest of the HTML it was given (the real
layout is tested in test_pages.py::test_unit_report_pdf): these tests are about what is laid
out when, not how.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.core.models import Job, JobStatus
from medvirk.insights import pdf
from medvirk.insights.jobs import REPORT_JOB
from medvirk.insights.tables import SurveyResults
from tests.jobs import DB_TASKS

from .factories import answer_many, close, erase_one, make_survey

# What is laid out when is the cache's and the views' business, not the database's: once is
# enough for CI (the SQLite pass).
pytestmark = [pytest.mark.usefixtures("english_jobs"), pytest.mark.sqlite_only]


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count layouts: each call of WeasyPrint's part records the HTML it was given."""
    caches["default"].clear()  # the test settings keep PDFs in the default (in-memory) cache
    calls: list[str] = []

    def render(html: str, progress: Any = None) -> bytes:
        calls.append(html)
        return b"%PDF-stand-in " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "_render", render)
    yield calls
    caches["default"].clear()


def _decided(survey: Any) -> None:
    SurveyResults(survey).disclosure.decide()  # as the worker does after new answers


def test_a_repeat_download_reads_the_kept_pdf_and_changed_answers_give_a_new_one(
    demo: DemoData, client_as: Any, laid_out: list[str]
) -> None:
    sol, sor = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    survey = make_survey(demo, units=[sol, sor])
    answer_many(survey, sol, [3, 4, 5, 6, 6, 5])
    answer_many(survey, sor, [4, 4, 5, 5, 6, 6])
    close(survey)
    _decided(survey)
    client = client_as("admin")
    url = f"/results/{survey.pk}/report.pdf?unit={sol.pk}"

    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF") and len(laid_out) == 1
    again = client.get(url)
    assert again.content == first.content and len(laid_out) == 1  # read, not laid out
    assert again["Content-Disposition"] == first["Content-Disposition"]
    # The same report in another language is another document.
    client.cookies["django_language"] = "nb"
    assert client.get(url).content != first.content and len(laid_out) == 2
    client.cookies["django_language"] = "en"

    erase_one(survey, sol)  # a response erased: a new decision, new figures
    _decided(survey)
    fresh = client.get(url)
    assert fresh.status_code == 200 and fresh.content != first.content and len(laid_out) == 3
    assert client.get(url).content == fresh.content and len(laid_out) == 3

    # A district's report, made by its background job: the second job only reads.
    district = sol.parent
    assert district is not None
    for _ in range(2):
        client.post(f"/results/{survey.pk}/report/prepare/?unit={district.pk}")
    made = Job.objects.filter(kind=REPORT_JOB).order_by("id")
    assert [j.status for j in made] == [JobStatus.DONE, JobStatus.DONE] and len(laid_out) == 4
    assert made[0].result_file.read() == made[1].result_file.read()


def test_each_report_keeps_a_few_versions_only(
    demo: DemoData, client_as: Any, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "KEEP_PER_REPORT", 2)
    sol = demo.units["Solsikken barnehage"]
    survey = make_survey(demo, units=[sol, demo.units["Sørbyen barnehage"]])
    answer_many(survey, sol, [3, 4, 5, 6, 6, 5, 2, 3, 4, 5])
    close(survey)
    client = client_as("admin")
    url = f"/results/{survey.pk}/report.pdf?unit={sol.pk}"
    store = caches["default"]
    versions: list[bytes] = []
    for _ in range(4):  # four data versions of the same report, a response erased before each
        erase_one(survey, sol)
        _decided(survey)
        versions.append(client.get(url).content)
    assert len(set(versions)) == 4 and len(laid_out) == 4
    # The two newest are kept; the older ones were removed when the newer were kept.
    kept = [store.get(pdf._pdf_key(html)) is not None for html in laid_out]
    assert kept == [False, False, True, True]
    # The newest is still read, not laid out again.
    assert client.get(url).content == versions[-1] and len(laid_out) == 4


def test_the_worker_lays_out_the_units_pdfs_ahead_and_a_download_then_only_reads(
    demo: DemoData, client_as: Any, laid_out: list[str], settings: Any
) -> None:
    sol, sor = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    survey = make_survey(demo, units=[sol, sor])
    answer_many(survey, sol, [3, 4, 5, 6, 6, 5, 6, 6])
    answer_many(survey, sor, [4, 4, 5, 5, 6, 6, 3])
    _decided(survey)
    assert pdf.warm(survey, ["en", "nb"]) == 0  # nothing while the round is open: no figures
    close(survey)
    _decided(survey)
    assert pdf.warm(survey, ["en", "nb"]) == 4  # two kindergartens, two languages
    assert pdf.warm(survey, ["en", "nb"]) == 0  # once per data version
    client = client_as("admin")
    for unit in (sol, sor):
        response = client.get(f"/results/{survey.pk}/report.pdf?unit={unit.pk}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(laid_out) == 4  # both downloads read what the worker laid out
    # So does the kindergarten's own leader's (the report shows no other unit's figures).
    own = client_as("leder.solsikken").get(f"/results/{survey.pk}/report.pdf?unit={sol.pk}")
    assert own.status_code == 200 and len(laid_out) == 4

    # With ``every_minutes``, changed answers (a response erased) are laid out again at most that
    # often, but the reports downloaded lately (both kindergartens' in English here) at once.
    erase_one(survey, sol)
    _decided(survey)
    # Solsikken's; Sørbyen's report shows nothing that changed (the same HTML): kept already.
    assert pdf.warm(survey, ["en"], every_minutes=10) == 1
    assert pdf.warm(survey, ["en"], every_minutes=0) == 0  # the whole pass finds both kept
    assert client.get(f"/results/{survey.pk}/report.pdf?unit={sol.pk}").status_code == 200
    assert len(laid_out) == 5

    # warm_results does it after deciding (off in the test settings: WeasyPrint takes seconds).
    from medvirk.insights.management.commands.warm_results import Command

    caches["default"].delete(pdf._asked_key(survey))  # nobody downloaded one lately
    settings.REPORTS_AHEAD, settings.LANGUAGES = True, [("en", "English")]
    erase_one(survey, sor)
    Command(stdout=io.StringIO()).pass_once([survey.pk], quiet=True)  # closed: once per data version
    made = len(laid_out)
    assert made > 5  # what the erasure changed (the decision may change Solsikken's figures too)
    for unit in (sol, sor):
        assert client.get(f"/results/{survey.pk}/report.pdf?unit={unit.pk}").status_code == 200
    assert len(laid_out) == made
    # A pass stops laying out after its time; the next goes on where it stopped.
    erase_one(survey, sol)
    _decided(survey)
    assert pdf.warm(survey, ["en", "nb"], every_minutes=0, seconds=0) == 1
    assert pdf.warm(survey, ["en", "nb"], every_minutes=0) > 0  # Solsikken's in the other language
    assert pdf.warm(survey, ["en", "nb"], every_minutes=0) == 0


def test_a_long_unit_report_not_kept_is_laid_out_by_the_job_never_in_the_request(
    demo: DemoData, client_as: Any, laid_out: list[str], settings: Any
) -> None:
    settings.REPORT_PDF_IN_REQUEST_SHOWN = 0  # (the tests' settings lay small rounds out in the request)
    sol, sor = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    survey = make_survey(demo, units=[sol, sor])
    answer_many(survey, sol, [3, 4, 5, 6, 6, 5])
    close(survey)
    _decided(survey)
    client = client_as("admin")
    url = f"/results/{survey.pk}/report.pdf?unit={sol.pk}"
    started = client.get(url)
    job = Job.objects.get(kind=REPORT_JOB)
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.result_file.read().startswith(b"%PDF")
    assert len(laid_out) == 1  # by the job (at once with the test settings' task backend)
    again = client.get(url)  # kept by the job: read in the request
    assert again.status_code == 200 and again.content.startswith(b"%PDF") and len(laid_out) == 1
    assert Job.objects.filter(kind=REPORT_JOB).count() == 1

    prepared = "These figures are from the answers that were in when the results were prepared"
    assert prepared in laid_out[0] and "Being updated." not in laid_out[0]

    # Changed answers: the pages show the earlier decision, "being updated". The PDF of that decision
    # says when its figures are from in the same words as while it was current, so the kept one
    # is read: not laid out again, no job (bench/mixed, issue 21: laid out again in the request).
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        assert "Being updated." in client.get(f"/results/{survey.pk}/?unit={sol.pk}").content.decode()
        stale = client.get(url)
        assert stale.status_code == 200 and stale.content == again.content and len(laid_out) == 1
        assert Job.objects.filter(kind=REPORT_JOB).count() == 1


def test_the_worker_lays_out_a_report_asked_for_lately_as_its_next_download_shows_it(
    demo: DemoData, client_as: Any, laid_out: list[str]
) -> None:
    """bench/mixed (issue 21): while the answers changed, every new decision's PDF was laid out in
    a request, once as current and again as "being updated" after the next change. The worker
    lays out the reports downloaded lately as the next download shows them, whenever that changes."""
    sol, sor = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    survey = make_survey(demo, units=[sol, sor])
    answer_many(survey, sol, [3, 4, 5, 6, 6, 5, 2, 3])
    answer_many(survey, sor, [4, 4, 5, 5, 6, 6])
    close(survey)
    _decided(survey)
    assert pdf.warm(survey, ["en"], every_minutes=10) == 2  # the round's first pass: every unit
    client = client_as("admin")
    url = f"/results/{survey.pk}/report.pdf?unit={sol.pk}"
    assert client.get(url).status_code == 200 and len(laid_out) == 2  # read; Solsikken's is asked for
    with override_settings(TASKS=DB_TASKS):  # the changed answers are not decided yet
        erase_one(survey, sol)
        # The earlier decision, now shown "being updated", prints as it did while current: kept.
        assert pdf.warm(survey, ["en"], every_minutes=10) == 0 and len(laid_out) == 2
        erase_one(survey, sol)  # still the same earlier decision shown: nothing new
        assert pdf.warm(survey, ["en"], every_minutes=10) == 0
        late = client.get(url)
        assert late.status_code == 200 and late.content.startswith(b"%PDF") and len(laid_out) == 2
        _decided(survey)  # the worker's new decision, current until the next answer
        assert pdf.warm(survey, ["en"], every_minutes=10) == 1 and len(laid_out) == 3  # Solsikken's
        assert client.get(url).status_code == 200 and len(laid_out) == 3  # read, not laid out
