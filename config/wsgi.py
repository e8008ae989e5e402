"""WSGI entry point (``gunicorn -c config/gunicorn.conf.py``; see that file)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()


def warm_up() -> None:
    """Load now what Django otherwise loads on the first request: every URL's view module, the
    translation catalogues (about 8 s of CPU on a busy two-core machine) and what the first PDF
    report needs (WeasyPrint, the unpacked fonts). With gunicorn's ``preload_app`` this runs once
    in the master and the workers share it; without it, every worker paid it inside its first
    request and all of them timed out together (issue 16)."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports the URL configuration and every view)
    from medvirk.insights import pdf

    pdf.warm_up()  # WeasyPrint and the unpacked fonts: 10–16 s of each worker's first PDF
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pass
    connections.close_all()  # a forked worker must not share a connection opened here


warm_up()
