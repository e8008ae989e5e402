"""The printable unit report as PDF (WeasyPrint), from the same overview the page shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

from .benchmark import MIN_OTHER_MUNICIPALITIES
from .reports import Overview

CSS = Path(__file__).parent / "static" / "insights" / "results.css"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """Refuse every external resource: the report is self-contained (no SSRF through PDFs)."""
    raise ValueError(f"external resource refused: {url}")


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
    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    name = f"{slugify(survey.series)}-{slugify(survey.round_label)}-{overview.node.id}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
