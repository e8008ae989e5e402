"""A municipality's public pieces shared by every public page: its colours, logo and privacy page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from medvirk.accounts.branding import theme_css
from medvirk.analysis.suppression import DEFAULT_TEXT_THRESHOLD, DEFAULT_THRESHOLD
from medvirk.core.retention import retention_amount
from medvirk.feedback.models import Service
from medvirk.orgs.models import Municipality, MunicipalityLogo

CACHE_SECONDS = 300  # a changed colour or logo shows within five minutes


@require_safe
def theme(request: HttpRequest, slug: str) -> HttpResponse:
    """Designsystemet's accent tokens in the municipality's colour, as a stylesheet (CSP: no inline style)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    response = HttpResponse(theme_css(municipality), content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's logo (PNG or JPEG, checked when uploaded)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    stored = MunicipalityLogo.objects.filter(municipality=municipality).first()
    if not municipality.logo_type or stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.data), content_type=municipality.logo_type)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def privacy(request: HttpRequest, slug: str) -> HttpResponse:
    """How the municipality handles the personal data its public forms and client-feedback links
    collect through Medvirk."""
    municipality = get_object_or_404(Municipality, slug=slug)
    context = {
        "municipality": municipality,
        "retention_months": retention_amount(municipality.pk, "panels.volunteers"),
        # client feedback: closed episodes anonymised (feedback/retention.py), the dashboard's and
        # the goal themes' anonymity thresholds (feedback/dashboard.py, feedback/themes.py)
        "feedback_months": retention_amount(municipality.pk, "feedback.episodes"),
        "conversation_months": retention_amount(municipality.pk, "feedback.conversations"),
        "feedback_threshold": max(DEFAULT_THRESHOLD, municipality.anonymity_threshold),
        "themes_threshold": DEFAULT_TEXT_THRESHOLD,
        "link_hours": Service._meta.get_field("link_hours").get_default(),  # a service may choose its own
    }
    return render(request, "site/public/privacy.html", context)
