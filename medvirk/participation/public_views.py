"""Citizen-facing "you said — we did" pages and the Atom feed: published items only, no login."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Finding, Measure
from .selectors import public_municipality, public_summary, public_unit


def municipality_page(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = public_municipality(slug)
    context = {"municipality": municipality, "unit": None, **public_summary(municipality)}
    return render(request, "participation/public/page.html", context)


def unit_page(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    municipality = public_municipality(slug)
    unit = public_unit(municipality, unit_id)
    context = {"municipality": municipality, "unit": unit, **public_summary(municipality, unit)}
    return render(request, "participation/public/page.html", context)


class MunicipalityFeed(Feed):
    """Atom feed of published findings and measures, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Any:
        return public_municipality(slug)

    def title(self, obj: Any) -> str:
        return _("You said – we did: %(name)s") % {"name": obj.name}

    def link(self, obj: Any) -> str:
        return reverse("participation_public:municipality", args=[obj.slug])

    def subtitle(self, obj: Any) -> str:
        return _("What users told %(name)s, and what is being done about it.") % {"name": obj.name}

    def items(self, obj: Any) -> list[Any]:
        summary = public_summary(obj)
        items: list[Any] = [f for f, _m in summary["findings"]] + summary["measures"]
        return sorted(
            items, key=lambda i: i.updated_on if isinstance(i, Measure) else i.created_on, reverse=True
        )[:50]

    def item_title(self, item: Any) -> str:
        if isinstance(item, Finding):
            return _("You said: %(text)s") % {"text": item.statement}
        return _("We do: %(title)s (%(status)s)") % {"title": item.title, "status": item.get_status_display()}

    def item_description(self, item: Any) -> str:
        if isinstance(item, Finding):
            return item.unit.name
        parts = [item.unit.name, item.description, _("Progress: %(n)s %%") % {"n": item.progress}]
        if item.reason:
            parts.append(item.reason)
        return "\n".join(p for p in parts if p)

    def item_link(self, item: Any) -> str:
        anchor = "finding" if isinstance(item, Finding) else "measure"
        url = reverse("participation_public:unit", args=[item.municipality.slug, item.unit_id])
        return f"{url}#{anchor}-{item.pk}"

    def item_guid(self, item: Any) -> str:
        return f"medvirk:{item._meta.label_lower}:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Any) -> Any:
        import datetime

        day = item.updated_on if isinstance(item, Measure) else item.created_on
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)

    def item_updateddate(self, item: Any) -> Any:
        return self.item_pubdate(item)
