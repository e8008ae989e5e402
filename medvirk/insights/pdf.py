"""The printable unit report as PDF (WeasyPrint), from the same overview the page shows.

Laying a report out takes WeasyPrint a few tenths of a second even for one kindergarten, more
than its results page (issue 21). The PDF is a pure function of the HTML it is laid out from
(which carries the round, the unit, the language and every figure of the decision the page
shows) and of the layout's own version (:data:`PDF_VERSION`, the stylesheets, WeasyPrint's
version). So the bytes are kept in the ``reports`` cache (:data:`REPORTS_CACHE`) under a digest
of both, and a request that asks for the same report again only reads them; a new answer (a new
decision, new figures) gives new HTML, so a new PDF. The cache is bounded per report: each
(round, unit, language) keeps its :data:`KEEP_PER_REPORT` newest versions, older ones are
removed when a new one is written (and the cache backend's own limit bounds the whole).

The worker (``warm_results``) lays out the PDFs of a round's units ahead (:func:`warm`), as
someone who may see every unit sees them. The printed report shows no other unit's figures, so
a request's HTML is the same whoever asks (the kindergarten's own leader too) and it only
reads; HTML that differs (a report made while the figures are being updated) is laid out in
the request, as before.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medvirk.core import fonts
from medvirk.core.actors import SystemActor

from .benchmark import MIN_OTHER_MUNICIPALITIES
from .downloads import attachment, download_name
from .release import released
from .reports import Overview

CSS = Path(__file__).parent / "static" / "insights" / "results.css"


@functools.cache
def _font_data(path: Path) -> bytes:
    """Return a bundled font file as plain TrueType data, unpacked once per process.

    WeasyPrint unpacks every WOFF2 file itself, for every document, in pure Python (fontTools
    rebuilds each glyph): 35 faces took 9 of a unit PDF's 12 seconds (bench/equity/RESULTS.md).
    It has no cache of its own, so the fetcher hands it the unpacked bytes (a few MB in all).
    """
    from fontTools.ttLib import TTFont, woff2

    data = path.read_bytes()
    out = io.BytesIO()
    if data[:4] == b"wOF2":
        woff2.decompress(io.BytesIO(data), out)
    elif data[:4] == b"wOFF":
        font = TTFont(io.BytesIO(data))
        font.flavor = None
        font.save(out)
    else:
        return data
    return out.getvalue()


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every resource but the bundled font's files.

    The report is self-contained (no SSRF through PDFs); the font files are read from the npm
    package on disk (`core.fonts`), never from the network, and handed over unpacked.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = fonts.local_font_file(url)
            if path is None:
                raise ValueError(f"external resource refused: {url}")
            return URLFetcherResponse(url, _font_data(path), headers={"Content-Type": "font/ttf"})

    return FontFilesOnly()


def report_html(overview: Overview, threshold: int, request: HttpRequest | None = None) -> str:
    """Render the unit report as HTML for WeasyPrint (its stylesheets: :func:`_styles`).

    Without ``request`` (a background job) the page language is the active one.
    """
    context = {
        "survey": overview.results.survey,
        "o": overview,
        "threshold": threshold,
        "min_other_municipalities": MIN_OTHER_MUNICIPALITIES,
        "LANGUAGE_CODE": get_language() or "nb",
    }
    return render_to_string("insights/report_pdf.html", context, request=request)


# WeasyPrint lays out one document at a time per process with the shared font configuration
# below (its caches are plain dicts); gunicorn's sync workers never wait on it.
_LOCK = threading.Lock()


@functools.cache
def _styles() -> tuple[Any, list[Any]]:
    """Return the process's font configuration and the report's parsed stylesheets, made once.

    A ``FontConfiguration`` per document loaded the system's fonts and wrote each of the 35 font
    faces to a temporary folder for fontconfig, and the stylesheets were parsed again from the
    page's ``<style>``: about half of a unit PDF's time (bench/equity/RESULTS.md). Both are
    reusable across documents (WeasyPrint's API takes them per call for that reason).
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher()
    font_config = FontConfiguration()
    sheets = [
        weasyprint.CSS(string=fonts.pdf_css(), font_config=font_config, url_fetcher=fetcher),
        weasyprint.CSS(string=CSS.read_text(), font_config=font_config, url_fetcher=fetcher),
    ]
    return font_config, sheets


# The font configuration removes its temporary folder when collected: before the interpreter
# takes its modules down.
atexit.register(_styles.cache_clear)


def report_filename(overview: Overview) -> str:
    """Return the report's file name in the active language ("… – Solsikken barnehage – rapport.pdf")."""
    return download_name(overview.results.survey, overview.node.name, "pdf", what=str(_("report")))


#: Bump when the PDF laid out from the same HTML changes (this module's layout code).
PDF_VERSION = 1
#: The cache the PDFs are kept in (a file cache under var/ in production settings); where it is
#: not configured, the default cache (this process's memory: tests).
REPORTS_CACHE = "reports"
#: How many versions of one report (round, unit, language) are kept: the newest, and a few
#: earlier ones (people who may see different comparison units get different reports).
KEEP_PER_REPORT = 3
KEEP_SECONDS = 60 * 60 * 24 * 30


def _store() -> Any:
    return caches[REPORTS_CACHE if REPORTS_CACHE in settings.CACHES else "default"]


@functools.cache
def _layout_version() -> str:
    """A digest of what the PDF depends on besides its HTML: this module, stylesheets, WeasyPrint."""
    import weasyprint

    digest = hashlib.sha256(f"{PDF_VERSION}:{weasyprint.__version__}".encode())
    digest.update(CSS.read_bytes())
    digest.update(fonts.pdf_css().encode())
    return digest.hexdigest()[:16]


def _pdf_key(html: str) -> str:
    return f"mv-pdf:{_layout_version()}:{hashlib.sha256(html.encode()).hexdigest()}"


def _report_key(overview: Overview) -> str:
    survey = overview.results.survey
    language = get_language() or "nb"
    return f"mv-pdf-report:{survey.municipality_id}:{survey.pk}:{overview.node.id}:{language}"


def _keep(overview: Overview, key: str, pdf: bytes) -> None:
    """Keep ``pdf`` under ``key`` and drop the report's versions beyond :data:`KEEP_PER_REPORT`.

    Two processes writing versions of the same report at once may each miss the other's in the
    list; such a version is then left to the cache's own expiry and limit.
    """
    store = _store()
    store.set(key, pdf, KEEP_SECONDS)
    report = _report_key(overview)
    versions = [key, *(k for k in store.get(report, []) if k != key)]
    store.delete_many(versions[KEEP_PER_REPORT:])
    store.set(report, versions[:KEEP_PER_REPORT], KEEP_SECONDS)


def kept_versions(overview: Overview) -> list[str]:
    """Return the keys of the report's kept versions, newest first."""
    return list(_store().get(_report_key(overview), []))


def laid_out_in_request(overview: Overview) -> bool:
    """Whether a unit's report not kept is laid out in the request (few figures).

    One with more questions' figures shown than ``settings.REPORT_PDF_IN_REQUEST_SHOWN`` is
    laid out by the report job (its page shows progress): WeasyPrint takes about 0.1 s per
    question shown on a busy machine, many times the results page (bench/equity/RESULTS.md).
    """
    shown = sum(1 for view in overview.questions if view.figures.shown)
    return shown <= settings.REPORT_PDF_IN_REQUEST_SHOWN


def kept_pdf(overview: Overview, threshold: int, request: HttpRequest | None = None) -> bytes | None:
    """Return the kept PDF of the report as it would be laid out now, if there is one."""
    found = _store().get(_pdf_key(report_html(overview, threshold, request)))
    return None if found is None else bytes(found)


def report_pdf_bytes(
    overview: Overview,
    threshold: int,
    request: HttpRequest | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """Return the unit report as PDF: kept bytes of the same HTML, else laid out and written.

    ``progress(step)`` is told "layout" and "write" when it is laid out. Earlier figures shown
    while new ones are made (``results.stale``: "being updated", with when they were made) are
    kept too: while answers keep arriving, pages show the same earlier decision for a while.
    """
    html = report_html(overview, threshold, request)
    key = _pdf_key(html)
    found = _store().get(key)
    if found is not None:
        return bytes(found)
    pdf = _render(html, progress)
    _keep(overview, key, pdf)
    return pdf


def _render(html: str, progress: Callable[[str], None] | None) -> bytes:
    """Lay out ``html`` with the report's stylesheets and write the PDF (WeasyPrint)."""
    import weasyprint

    if progress:
        progress("layout")
    with _LOCK:
        font_config, sheets = _styles()
        document = weasyprint.HTML(string=html, url_fetcher=_fetcher()).render(
            stylesheets=sheets, font_config=font_config
        )
        if progress:
            progress("write")
        return bytes(document.write_pdf())


def report_pdf(
    request: HttpRequest, overview: Overview, threshold: int, data: bytes | None = None
) -> HttpResponse:
    """Answer with the unit report as a PDF download (``data``: its bytes, when at hand)."""
    data = data if data is not None else report_pdf_bytes(overview, threshold, request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = attachment(report_filename(overview))
    return response


# --- laid out ahead by the worker -------------------------------------------------------------

#: Lays out the PDFs ahead; sees every unit, as someone who may see the whole round does.
AHEAD = SystemActor("report PDFs laid out ahead")


def _ahead_key(survey: Any) -> str:
    return f"mv-pdf-ahead:{survey.municipality_id}:{survey.pk}"


#: Minutes a unit's report counts as asked for after a download: the worker lays out its new
#: versions ahead as long (:func:`warm`).
ASKED_MINUTES = 15


def _asked_key(survey: Any) -> str:
    return f"mv-pdf-asked:{survey.municipality_id}:{survey.pk}"


def note_asked(survey: Any, unit_id: int) -> None:
    """Note that a unit's report was downloaded (in the active language), for :func:`warm`.

    One cache read per download, a write at most once a minute per report. Two processes noting
    at the same moment may lose one's note: that report is then laid out in its next request.
    """
    store, key, now = _store(), _asked_key(survey), time.time()
    asked = dict(store.get(key, {}))
    report = (unit_id, get_language() or "nb")
    if now - asked.get(report, 0) < 60:
        return
    asked = {r: t for r, t in asked.items() if now - t < ASKED_MINUTES * 60}
    asked[report] = now
    store.set(key, asked, KEEP_SECONDS)


def _asked(survey: Any, languages: list[str]) -> list[tuple[int, str]]:
    """Return the (unit, language) reports downloaded in the last :data:`ASKED_MINUTES`."""
    now = time.time()
    asked = _store().get(_asked_key(survey), {})
    return sorted(r for r, when in asked.items() if now - when < ASKED_MINUTES * 60 and r[1] in languages)


def warm(
    survey: Any, languages: list[str], *, every_minutes: float | None = None, seconds: float | None = None
) -> int:
    """Lay out the PDFs of the round's units (those made in the request) not yet kept; return how many.

    Run by ``warm_results`` after the round's decisions are made (nothing before: pages read
    only decided figures). Once per data version of the round; with ``every_minutes`` (open
    rounds, whose answers change all the time) also at most that often. A pass over a round
    done already costs a few cache reads. After ``seconds`` it stops (having laid out one at
    least); the next call goes on (what is kept is not laid out again). District and
    municipality PDFs stay with their background job.

    Between those passes, the reports downloaded lately (:func:`note_asked`) are laid out as a
    download would show them now, whenever that changes: the current decisions, or the earlier
    ones shown "being updated" while the worker decides new answers (:func:`_warm_asked`).
    Without this, while respondents answered, each new decision's PDF was laid out in the
    request twice, as current and then as being updated (bench/mixed, issue 21).
    """
    from .benchmark import prepare as prepare_benchmark
    from .reports import overview
    from .tables import SurveyResults

    if not released(survey):  # an open round has no report: its figures come when it closes
        return 0
    results = SurveyResults(survey)
    if not results.disclosure.ready():
        return _warm_asked(survey, languages)
    version = results.disclosure.data_version
    done = _store().get(_ahead_key(survey))
    if done is not None and (
        done[0] == version or (every_minutes is not None and time.time() - done[1] < every_minutes * 60)
    ):
        return _warm_asked(survey, languages)
    made, deadline = 0, None if seconds is None else time.monotonic() + seconds
    leaves = [node for node in results.tree.nodes if not results.tree.children.get(node)]
    for language in languages:
        with translation.override(language):
            results = SurveyResults(survey)  # labels in this language
            bench = prepare_benchmark(survey, language=language)  # kept for the pages too
            for node in leaves:
                shown = overview(AHEAD, results, node, bench=bench)
                html = report_html(shown, results.policy.threshold)
                key = _pdf_key(html)
                if _store().get(key) is None:
                    if made and deadline is not None and time.monotonic() > deadline:
                        return made  # the rest in the next pass (each pass makes one at least)
                    _keep(shown, key, _render(html, None))
                    made += 1
    _store().set(_ahead_key(survey), (version, time.time()), KEEP_SECONDS)
    return made


def _asked_done_key(survey: Any) -> str:
    return f"mv-pdf-asked-done:{survey.municipality_id}:{survey.pk}"


def _warm_asked(survey: Any, languages: list[str]) -> int:
    """Lay out the reports downloaded lately as a download would show them now; return how many.

    Once per decision shown (current or earlier) and set of such reports: a pass that finds
    them done costs a few cache reads. Asks the worker for nothing and decides nothing.
    """
    from .benchmark import shown_benchmark
    from .disclosure import NotReady
    from .jobs import as_shown
    from .reports import overview
    from .selectors import survey_tree

    asked = _asked(survey, languages)
    if not asked:
        return 0
    tree = survey_tree(survey=survey)
    asked = [(node, lang) for node, lang in asked if node in tree.nodes and not tree.children.get(node)]
    shown = as_shown(survey, tree)
    if not shown.disclosure.ready():
        return 0  # no decision yet: nothing to show
    done = (shown.disclosure.data_version, shown.stale, asked)
    store = _store()
    if store.get(_asked_done_key(survey)) == done:
        return 0
    made = 0
    for language in sorted({lang for _unit, lang in asked}):
        with translation.override(language):
            results = as_shown(survey, tree)  # labels in this language
            bench = shown_benchmark(results)
            for node, _lang in (report for report in asked if report[1] == language):
                try:
                    view = overview(AHEAD, results, node, bench=bench)
                except NotReady:  # the earlier decision lost a part: the next pass, or the request
                    return made
                html = report_html(view, results.policy.threshold)
                key = _pdf_key(html)
                if store.get(key) is None:
                    _keep(view, key, _render(html, None))
                    made += 1
    store.set(_asked_done_key(survey), done, KEEP_SECONDS)
    return made


def warm_up() -> None:
    """Do in the web server's master process what each worker's first PDF did: import WeasyPrint
    and unpack the report's font files (``config/wsgi.py``; with gunicorn's ``preload_app`` the
    forked workers share both). A worker's first unit PDF took 16 s on a busy two-core machine,
    10 s of it unpacking the fonts (bench/mixed, issue 21). Both are plain data; the font
    configuration (fontconfig and a temporary folder, :func:`_styles`) stays each process's own.
    """
    try:
        _layout_version()
        css = fonts.pdf_css()
    except OSError:  # no font package (npm not run): the first PDF reports that, not the start
        return
    # The first source of each @font-face rule is the file WeasyPrint fetches (WOFF2).
    for url in re.findall(r"src:\s*url\(([^)]+)\)", css):
        path = fonts.local_font_file(url)
        if path is not None:
            _font_data(path)
