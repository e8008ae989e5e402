"""View helpers shared by every module: staff pages, and the public pages that keep nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.views.decorators.csrf import csrf_exempt

from .errors import ServiceError

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
    survey answering (``surveys.answering.views``), volunteers (``panels.views_public``), client
    feedback links (``feedback.views_client``) and the choice of provider's public pages.
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


def service_done(request: HttpRequest, message: str | Promise, act: Callable[[], object]) -> bool:
    """Run ``act()`` (a service call behind a button); show its refusal or ``message``.

    Return True when it succeeded. The caller redirects either way (post/redirect/get).
    """
    try:
        act()
    except ServiceError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, str(message))
    return True


@dataclass(frozen=True)
class ImportSteps:
    """What one module's CSV import page does at each step (``import_preview_page``)."""

    form: type[forms.Form]  # the upload form, with a ``file`` field
    parse: Callable[[bytes], Any]  # the file's bytes → a preview (``new_rows``: what would be stored)
    sign: Callable[[Any], str]  # ``preview.new_rows`` → the token the confirm form carries
    unsign: Callable[[str], Any]  # the token → the rows (``ServiceError`` when tampered with or old)
    store: Callable[[Any], tuple[int, int]]  # the rows → (created, skipped): the module's service
    stored: Callable[[int, int], str]  # the message after storing, from (created, skipped)
    template: str  # the page: gets ``form``, ``preview`` and ``token``
    upload_url: str  # URL name of the page itself (back to it after a refused confirm)
    done_url: str  # URL name to go to after storing


def import_preview_page(request: HttpRequest, steps: ImportSteps) -> HttpResponse:
    """Upload → preview with a verdict per row → confirm (the rows signed in a hidden field).

    Nothing is stored before the confirm step; its rows come back signed, so they are the ones the
    preview showed (the service checks them again).
    """
    if request.method == "POST" and "confirm" in request.POST:
        try:
            created, skipped = steps.store(steps.unsign(request.POST.get("rows", "")))
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(steps.upload_url)
        messages.success(request, steps.stored(created, skipped))
        return redirect(steps.done_url)
    form = steps.form(request.POST or None, request.FILES or None)
    preview = token = None
    if request.method == "POST" and form.is_valid():
        preview = steps.parse(form.cleaned_data["file"].read())
        if preview.new_rows:
            token = steps.sign(preview.new_rows)
    return render(request, steps.template, {"form": form, "preview": preview, "token": token})
