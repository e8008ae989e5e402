"""``core.views.cookieless_view``: the public pages that keep nothing in the browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from medvirk.core.views import cookieless_view


@cookieless_view
def _page(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response.set_cookie("sessionid", "x")  # e.g. a language switch or middleware setting one
    return response


def test_a_cookieless_page_sets_no_cookie_is_never_cached_and_needs_no_csrf_token() -> None:
    response = _page(RequestFactory().post("/a/code/", {"code": "ABC"}))
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]
    assert getattr(_page, "csrf_exempt", False) is True
