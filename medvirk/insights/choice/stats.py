"""The statistics of choosing for one service and year, with names in the page language.

The decision itself is made in the domain app (``choice.selectors.statistics_decision``, one
suppression table per service-year); this module only adds labels, for the page and the API.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medvirk.choice import selectors as choice_selectors
from medvirk.choice.selectors import ChoiceStatistics, Labels
from medvirk.choice.types import SwitchReason
from medvirk.common.dimensions import DIMENSIONS_BY_KEY
from medvirk.orgs.selectors import district_names


def labels_for(service: Any, providers: dict[int, str]) -> Labels:
    lang = get_language() or "nb"
    categories: dict[str, dict[str, str]] = {
        d: {c.key: c.label(lang) for c in DIMENSIONS_BY_KEY[d].categories}
        for d in ("immigrant_background", "age_band")
    }
    categories["language"] = {"norwegian": _("Norwegian or Sami"), "other": _("Another language")}
    categories["district"] = district_names(municipality_id=service.municipality_id)
    return Labels(
        providers=providers,
        categories=categories,
        reasons={r.value: str(r.label) for r in SwitchReason},
        not_stated=_("Not in the record"),
    )


def statistics_for(service: Any, year: int) -> ChoiceStatistics:
    """Return the decided statistics of one service-year (also for the API)."""
    today = timezone.localdate()
    release = choice_selectors.statistics_release(service=service, year=year, today=today)
    decision = choice_selectors.statistics_decision(service=service, facts=release.facts)
    names = {a.provider_id: a.provider.name for a in choice_selectors.approvals_of(service=service)}
    return ChoiceStatistics(
        release.facts,
        decision,
        labels_for(service, names),
        release.reference_day,
        published_on=None if release.published_at is None else timezone.localdate(release.published_at),
        days=release.days,
    )
