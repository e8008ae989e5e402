"""Error pages in the visitor's language and the site's look, instead of Django's English ones.

404, 403 and 500 are Django's own handlers with our templates (``templates/404.html`` …); these
two need more than a template: the 400 page says the real upload limit, and a refused form
(CSRF) gets a page that tells what happened and that nothing was saved.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, rendered without the request as Django's is (the request could not be read)."""
    size = max(1, settings.MAX_REQUEST_BYTES // (1024 * 1024))
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"max_upload_mb": size}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A staff form refused because its page was too old or cookies are off (``CSRF_FAILURE_VIEW``)."""
    return render(request, "403_csrf.html", status=403)
