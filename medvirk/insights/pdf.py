"""The printable unit report as PDF (WeasyPrint), from the same overview the page shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from medvirk.core import fonts

from .benchmark import MIN_OTHER_MUNICIPALITIES
from .downloads import attachment, download_name
from .reports import Overview

CSS = Path(__file__).parent / "static" / "insights" / "results.css"


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every resource but the bundled font's files.

    The report is self-contained (no SSRF through PDFs); the font files are read from the npm
    package on disk (`core.fonts`), never from the network.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = fonts.local_font_file(url)
            if path is None:
                raise ValueError(f"external resource refused: {url}")
            headers = {"Content-Type": f"font/{path.suffix[1:]}"}
            return URLFetcherResponse(url, path.read_bytes(), headers=headers)

    return FontFilesOnly()


def report_html(request: HttpRequest, overview: Overview, threshold: int) -> str:
    """Render the unit report as self-contained HTML (styles inlined) for WeasyPrint."""
    context = {
        "survey": overview.results.survey,
        "o": overview,
        "threshold": threshold,
        "min_other_municipalities": MIN_OTHER_MUNICIPALITIES,
        "css": CSS.read_text(),
    }
    return render_to_string("insights/report_pdf.html", context, request=request)


def report_pdf(request: HttpRequest, overview: Overview, threshold: int) -> HttpResponse:
    """Render the unit report to PDF."""
    import weasyprint

    survey = overview.results.survey
    html = report_html(request, overview, threshold)
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher()
    font_config = FontConfiguration()
    font_css = weasyprint.CSS(string=fonts.pdf_css(), font_config=font_config, url_fetcher=fetcher)
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[font_css], font_config=font_config
    )
    name = download_name(survey, overview.node.name, "pdf", what=str(_("report")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(name)
    return response
