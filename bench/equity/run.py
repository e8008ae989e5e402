"""Equity report speed (issue 21): the whole-municipality report against the same unit's results
page, before (computed in the request) and after (made ahead by the worker, read from the
cache), and the statistics inside it against the library calls they replaced, in one run; also a
kindergarten's PDF (laid out in the request the first time, then read from the kept PDFs) and
the municipality's (a background job) against the same unit's results page.

    .venv/bin/python bench/equity/run.py            # a fresh demo database in var/bench-equity.db
    DATABASE_URL=postgres://… .venv/bin/python bench/equity/run.py --keep   # an existing demo database

Warm means the same request again in the same process (the database's caches warm, Medvirk's
anonymity decisions cached). Prints medians of ``--repeat`` requests and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _components(repeat: int) -> None:
    """Each replaced library call against its replacement, on the same inputs."""
    import numpy as np
    from scipy import optimize, stats
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.stats.proportion import confint_proportions_2indep

    from medvirk.analysis import intervals
    from medvirk.analysis.ordinal import _LogitOrderedModel

    rng = np.random.default_rng(0)
    a, b = rng.integers(1, 7, 300).astype(float), rng.integers(1, 7, 45).astype(float)

    def newcombe_by_alpha() -> float:  # the previous p-value: search over α through statsmodels
        def bound(alpha: float) -> float:
            return float(confint_proportions_2indep(120, 300, 12, 45, method="newcomb", alpha=alpha)[0])

        return float(optimize.brentq(bound, 1e-15, 1 - 1e-12, xtol=1e-14, rtol=1e-10))

    exog = np.column_stack([rng.integers(0, 2, 400), rng.integers(0, 3, 400) == 1]).astype(float)
    y = np.clip(np.round(3.5 + exog[:, 0] - exog[:, 1] + rng.normal(0, 1.3, 400)), 1, 6)
    rows = [
        ("Welch test", lambda: stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95),
         lambda: intervals.welch_difference(a, b)),
        ("t interval", lambda: stats.t.interval(0.95, a.size - 1, loc=a.mean(), scale=stats.sem(a)),
         lambda: intervals.mean_interval(a)),
        ("Newcombe p-value", newcombe_by_alpha, lambda: intervals.newcombe_p_value(120, 300, 12, 45)),
        ("ordinal logit fit", lambda: OrderedModel(y, exog, distr="logit").fit(method="newton", disp=False),
         lambda: _LogitOrderedModel(y, exog, distr="logit").fit(method="newton", disp=False)),
    ]  # fmt: skip
    print(f"{'statistic':<20} {'library call ms':>16} {'Medvirk ms':>12} {'ratio':>7}")
    for name, before, after in rows:
        t0, t1 = _median_ms(before, repeat), _median_ms(after, repeat)
        print(f"{name:<20} {t0:>16.3f} {t1:>12.3f} {t1 / t0:>7.3f}")


def _municipality_pdf(unit, survey, results_ms: float) -> None:
    """The municipality's PDF, made by its background job's handler in this process (no worker)."""
    from django.contrib.auth import get_user_model

    from medvirk.core.jobs import execute_job, start_job
    from medvirk.insights import pdf
    from medvirk.insights.jobs import REPORT_JOB

    user = get_user_model().objects.get(username="admin")
    pdf._store().clear()
    times = []
    for _ in range(2):
        params = {"survey_id": survey.pk, "unit_id": unit.pk}
        job = start_job(kind=REPORT_JOB, municipality=survey.municipality, user=user, params=params)
        start = time.perf_counter()
        execute_job(job.pk)
        times.append((time.perf_counter() - start) * 1000)
        job.refresh_from_db()
        assert job.status == "done", job.error
        job.result_file.delete()
    print(
        f"{unit.name}: PDF as a background job {times[0]:.0f} ms (laid out), again {times[1]:.0f} ms "
        f"(kept: {times[1] / results_ms:.1f}× its results page; the request only starts the job)"
    )


def _equity_in_request(client, url: str, repeat: int) -> float:
    """The equity page as it was before the report moved to the worker: computed in every request
    (same page, same template; only where the report comes from differs). Warm median in ms."""
    from medvirk.insights import equity_ahead
    from medvirk.insights.disclosure import SurveyDisclosure

    def in_request(*, user, survey, unit, next_url, practical_size=equity_ahead.PRACTICAL_SIZE):
        from django.utils import translation

        return equity_ahead.compute(
            survey, unit, SurveyDisclosure(survey), language=translation.get_language() or "nb",
            practical_size=practical_size,
        )  # fmt: skip

    made_ahead = equity_ahead.prepared_equity
    equity_ahead.prepared_equity = in_request
    try:
        assert client.get(url).status_code == 200, url
        return _median_ms(lambda: client.get(url), repeat)
    finally:
        equity_ahead.prepared_equity = made_ahead


def _pdf_laid_out_every_time(client, url: str, repeat: int) -> float:
    """The unit PDF as it was made before the PDFs were kept: laid out on every request (the
    kept-PDF store swapped for Django's dummy cache, which keeps nothing). Warm median in ms."""
    from django.conf import settings
    from django.core.cache.backends.dummy import DummyCache

    from medvirk.insights import pdf

    kept, nothing = pdf._store, DummyCache("nothing", {})
    pdf._store = lambda: nothing
    settings.REPORT_PDF_IN_REQUEST_SHOWN = 1000  # never the job: laid out in the request
    try:
        assert client.get(url).status_code == 200, url
        return _median_ms(lambda: client.get(url), repeat)
    finally:
        pdf._store = kept
        settings.REPORT_PDF_IN_REQUEST_SHOWN = 3


def _pdf_by_the_job(client, url: str, results_ms: float) -> None:
    """A unit PDF not kept whose report is long: the request starts the report job (302 to its
    progress page) and the worker lays it out; then the download reads it."""
    from medvirk.core.jobs import execute_job
    from medvirk.core.models import Job
    from medvirk.insights import pdf

    pdf._store().clear()
    start = time.perf_counter()
    response = client.get(url)
    asked = (time.perf_counter() - start) * 1000
    if response.status_code != 302:
        print(f"  (laid out in the request: {asked:.0f} ms, {asked / results_ms:.2f}× results)")
        return
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    start = time.perf_counter()
    execute_job(job.pk)
    worked = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    assert client.get(url).status_code == 200
    read = (time.perf_counter() - start) * 1000
    print(
        f"  not kept, long report: the request starts the job in {asked:.0f} ms ({asked / results_ms:.2f}× "
        f"results); the job lays it out in {worked:.0f} ms; the download then {read:.0f} ms "
        f"({read / results_ms:.2f}×)"
    )


def _pdfs_ahead(client, survey, url: str, results_ms: float) -> None:
    """The worker's pass laying out every unit PDF of the round in every site language
    (``pdf.warm``, as ``warm_results`` runs it), then the unit's first download after it."""
    from django.conf import settings

    from medvirk.insights import pdf

    pdf._store().clear()
    languages = [code for code, _name in settings.LANGUAGES]
    start = time.perf_counter()
    made = pdf.warm(survey, languages)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    assert client.get(url).status_code == 200, url
    first = (time.perf_counter() - start) * 1000
    print(
        f"worker's pass (pdf.warm): {made} unit PDFs ({len(languages)} languages) in {seconds:.1f} s "
        f"({seconds * 1000 / max(made, 1):.0f} ms each); the unit's first download after it {first:.0f} ms "
        f"({first / results_ms:.2f}× results)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="use the database as it is (seeded demo)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        db = ROOT / "var" / "bench-equity.db"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
        if not args.keep and db.exists():
            db.unlink()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    if not args.keep:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("load_population_sample", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.ALLOWED_HOSTS = ["*"]
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # the page's CSS the PDF ignores
    from medvirk.accounts.models import User
    from medvirk.insights import equity, equity_ahead
    from medvirk.insights.tables import SurveyResults
    from medvirk.orgs.models import OrgUnit

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    print(f"load average before: {os.getloadavg()}")
    for unit in (OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first(),
                 OrgUnit.objects.get(name="Solsikken barnehage"),
                 OrgUnit.objects.get(name="Østli barnehage")):  # fmt: skip  # a small and a long PDF
        survey = next(iter(equity.surveys_for_unit(unit)))
        SurveyResults(survey).disclosure.decide()  # as the worker does ahead (pages never decide)
        equity_url = f"/population/equity/units/{unit.pk}/?survey={survey.pk}"
        before = _equity_in_request(client, equity_url, args.repeat)
        from medvirk.insights.disclosure import SurveyDisclosure

        start = time.perf_counter()  # the worker's part, computed even when an earlier run kept it
        with translation.override(settings.LANGUAGE_CODE):
            equity_ahead.compute(survey, unit, SurveyDisclosure(survey), language=settings.LANGUAGE_CODE)
        worker_ms = (time.perf_counter() - start) * 1000
        equity_ahead.prepare(survey, unit, language=settings.LANGUAGE_CODE)  # kept for the page
        pages = {
            "results page": f"/results/{survey.pk}/?unit={unit.pk}",
            "equity report": equity_url,
        }
        pdf_before = None
        if unit.parent_id is not None:  # a unit's PDF is made in the request (issue 21: ≤ 3× its page)
            pages["unit PDF"] = f"/results/{survey.pk}/report.pdf?unit={unit.pk}"
            pdf_before = _pdf_laid_out_every_time(client, pages["unit PDF"], args.repeat)
            from medvirk.insights import pdf

            pdf._store().clear()  # the first request below lays it out (a new data version's first)
            settings.REPORT_PDF_IN_REQUEST_SHOWN = 1000  # in the request, as before the job took long ones
        cold = {}
        for name, url in pages.items():
            start = time.perf_counter()
            assert client.get(url).status_code == 200, url
            cold[name] = (time.perf_counter() - start) * 1000
        warm = {name: _median_ms(lambda u=url: client.get(u), args.repeat) for name, url in pages.items()}
        settings.REPORT_PDF_IN_REQUEST_SHOWN = 3
        base = warm["results page"]
        print(
            f"{unit.name}: first request (this process) "
            + ", ".join(f"{name} {ms:.0f} ms" for name, ms in cold.items())
            + "; warm median "
            + ", ".join(f"{name} {ms:.0f} ms ({ms / base:.2f}× results)" for name, ms in warm.items())
        )
        print(
            f"{unit.name}: equity report before (computed in the request) {before:.0f} ms "
            f"({before / base:.2f}× results); after, from the worker's cache {warm['equity report']:.0f} ms; "
            f"the worker's computation {worker_ms:.0f} ms"
        )
        if pdf_before is not None:
            print(
                f"{unit.name}: unit PDF before (laid out on every request) {pdf_before:.0f} ms "
                f"({pdf_before / base:.2f}× results); after: first request (laid out and kept) "
                f"{cold['unit PDF']:.0f} ms ({cold['unit PDF'] / base:.2f}×), again (read) "
                f"{warm['unit PDF']:.0f} ms ({warm['unit PDF'] / base:.2f}×)"
            )
        if pdf_before is not None:
            _pdf_by_the_job(client, pages["unit PDF"], base)
        if pdf_before is not None and unit.name.startswith("Østli"):  # once: it lays out the round's PDFs
            _pdfs_ahead(client, survey, pages["unit PDF"], base)
        if unit.parent_id is None:
            _municipality_pdf(unit, survey, base)
    _components(args.repeat)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
