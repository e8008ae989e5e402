"""The printable unit report as PDF (WeasyPrint), from the same overview the page shows."""

from __future__ import annotations

import atexit
import functools
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medvirk.core import fonts

from .benchmark import MIN_OTHER_MUNICIPALITIES
from .downloads import attachment, download_name
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


def report_pdf_bytes(
    overview: Overview,
    threshold: int,
    request: HttpRequest | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """Lay out and write the unit report as PDF; ``progress(step)`` is told "layout" and "write"."""
    import weasyprint

    html = report_html(overview, threshold, request)
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


def report_pdf(request: HttpRequest, overview: Overview, threshold: int) -> HttpResponse:
    """Answer with the unit report as a PDF download."""
    response = HttpResponse(report_pdf_bytes(overview, threshold, request), content_type="application/pdf")
    response["Content-Disposition"] = attachment(report_filename(overview))
    return response
