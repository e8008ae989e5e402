"""Security headers Django does not set itself (a strict Content-Security-Policy and friends), and
soft hyphens in the long words of headings."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from medvirk.core.hyphenation import hyphenate_html

# No inline script or style anywhere: every script and stylesheet is a static file.
# /api/v1/docs loads Swagger UI from ninja's static files, which also keeps to 'self'.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class HyphenationMiddleware:
    """Put soft hyphens in the long words of an HTML page's headings and narrow places
    (:mod:`medvirk.core.hyphenation`: why on the server, and where).

    It sits inside ``CommonMiddleware``, which then counts the page's new length.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or response.status_code == 304
            or response.has_header("Content-Encoding")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        page = response.content.decode(response.charset)
        lang = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        hyphenated = hyphenate_html(page, lang)
        if hyphenated != page:
            response.content = hyphenated.encode(response.charset)
            if response.has_header("Content-Length"):
                response.headers["Content-Length"] = str(len(response.content))
        return response
