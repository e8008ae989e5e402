"""The client's own pages, reached only through a fresh link: answer, then see their graph and goals.

No account, no cookie, no caching; the link's token is the only key (only its hash is stored),
and it works until ``Service.link_hours`` after the session, unless revoked or the episode closed.
The page is in the client's language (``?lang=`` switches among the languages Medvirk has page
texts in), right to left where the language is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from medvirk.common import languages
from medvirk.core.errors import ServiceError
from medvirk.core.views import cookieless_view

from . import charts, selectors, services
from .answer_form import AnswerForm
from .client_text import TEXTS, ClientTexts


def client_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No CSRF cookie (the secret link is the credential, as on survey pages), no caching, no cookies,
    and no referrer (the link is in the address)."""

    @wraps(view)
    def without_referrer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return cookieless_view(without_referrer)


def _lang(request: HttpRequest, default: str) -> str:
    wanted = request.GET.get("lang", "")
    return wanted if wanted in TEXTS else (default if default in TEXTS else "nb")


def _chrome(lang: str, **extra: Any) -> dict[str, Any]:
    t = ClientTexts(lang)
    return {
        "lang": lang,
        "dir": languages.direction(lang),
        "t": t,
        "title": t.title,
        "languages": [(code, languages.endonym(code)) for code in TEXTS],
        **extra,
    }


@client_view
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer this session's questions; afterwards (and on reload) see the graph and goals."""
    link = services.link_by_token(token)
    if link is None:
        lang = _lang(request, "nb")
        return render(request, "feedback/client/expired.html", _chrome(lang), status=404)
    lang = _lang(request, link.language)
    municipality = link.municipality  # whose page this is: name, logo, colour, privacy and accessibility
    form = AnswerForm(session=link.session, rater=link.rater, lang=lang, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        by_instrument, goals = form.ratings()
        # Answered meanwhile on a second device: the page below shows what is stored.
        with contextlib.suppress(ServiceError):
            services.client_answers_submit(link=link, ratings=by_instrument, goals=goals)
        suffix = f"?lang={lang}" if lang != link.language else ""
        return redirect(request.path + suffix)
    context = _chrome(lang, form=form, token=token, municipality=municipality)
    if form.empty:
        context.update(_own_history(link, lang))
        return render(request, "feedback/client/done.html", context)
    context["blocks"] = blocks = form.blocks()
    context["errors"] = form.error_summary(blocks)  # listed at the top, where the page opens
    return render(request, "feedback/client/answer.html", context)


def _own_history(link: Any, lang: str) -> dict[str, Any]:
    """Return the client's own graph and goals (never colleagues, band or other raters)."""
    episode = link.session.episode
    view = selectors.episode_view(episode, with_links=False)
    view.band = None
    view.band_scores = {}
    view.collateral = {}
    own = link.rater.kind == "client"
    table = charts.table(view) if own else []
    return {
        "graph": charts.graph(view, "client-graph") if own else None,
        "table": table,
        "score_words": _score_words([row.score for row in table if row.score], ClientTexts(lang)),
        "goals": view.goals if own else [],
        "direction": view.direction,
        "cutoff": view.cutoff,
    }


def _score_words(scores: list[str], t: ClientTexts) -> str:
    """Say the client's scores in words before the graph: from the first session's to the latest."""
    if not scores:
        return ""
    if len(scores) == 1:
        return t.score_once.format(score=scores[0])
    return t.score_change.format(first=scores[0], last=scores[-1])
