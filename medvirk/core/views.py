"""View helpers shared by every module: staff pages, and the public pages that keep nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

Response = TypeVar("Response", bound=HttpResponseBase)

#: Years a page's ``?year=`` may name unless it says otherwise (those population data may have).
YEARS = range(1900, 2201)


def staff_view(view: Callable[..., Response]) -> Callable[..., Response | HttpResponseRedirect]:
    """Require a logged-in user; object access is then checked by ``access_*`` helpers (404).

    The view may take ``request: medvirk.accounts.requests.StaffRequest``: its user is logged in.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Response | HttpResponseRedirect:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def cookieless_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page that keeps nothing in the browser: exempt from CSRF, never cached, no cookie.

    For pages whose forms or links carry an unguessable token in the URL (which defeats
    cross-site forgery on its own) and that must work on a kiosk or library PC that keeps nothing:
    survey answering (``surveys.answering.views``) and volunteers (``panels.views_public``).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.cookies.clear()
        return response

    return csrf_exempt(wrapper)


def year_param(
    request: HttpRequest, *, default: int | None = None, years: range = YEARS, lenient: bool = False
) -> int | None:
    """Return the ``?year=`` of a page's address as a whole number in ``years``.

    Absent or empty: ``default``. Anything else (``abc``, ``+2026``, a year outside ``years``):
    404, as for any address that names nothing, or ``default`` when the page is ``lenient``.
    """
    raw = request.GET.get("year", "").strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and int(raw) in years:
        return int(raw)
    if lenient:
        return default
    raise Http404
