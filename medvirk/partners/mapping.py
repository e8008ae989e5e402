"""The yearly mapping: which groups a unit serves, who can speak for them, and where the gaps are.

Groups come from population data for the unit's catchment area when it has been imported (the
largest country-background groups, young people, the elderly); otherwise a default list is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.ordering import Norwegian
from medvirk.orgs.models import OrgUnit

from .models import Organisation, YearlyMapping
from .selectors import district_of_unit
from .types import COUNTRY_CHOICES, COUNTRY_LANGUAGES

TOP_COUNTRIES = 5
YOUTH_BANDS = ("16-24",)
ELDERLY_BANDS = ("67-79", "80+")
DEFAULT_GROUPS: list[tuple[str, Any]] = [
    ("immigrants", gettext_lazy("Immigrants")),
    ("youth", gettext_lazy("Young people")),
    ("elderly", gettext_lazy("Elderly")),
    ("families", gettext_lazy("Families with children")),
    ("disability", gettext_lazy("People with disabilities")),
    ("mental_health", gettext_lazy("People with mental health or addiction problems")),
]


def group_name(key: str) -> str:
    """Return a mapped group's name from its key ("country:SO", "youth", "mental_health")."""
    if key.startswith("country:"):
        code = key.removeprefix("country:")
        country = dict(COUNTRY_CHOICES).get(code, code)
        return str(_("Background from %(country)s") % {"country": country})
    return str(dict(DEFAULT_GROUPS).get(key, key))


@dataclass
class CatchmentGroup:
    """A group in the unit's catchment area; ``size`` is None when not from population data."""

    key: str
    label: str
    size: int | None = None
    organisation_ids: list[int] = field(default_factory=list)
    note: str = ""
    suggestions: list[Organisation] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        """Return whether nobody the unit has contact with can speak for this group."""
        return not self.organisation_ids


def _country_labels(municipality_id: int) -> dict[str, str]:
    labels = {k: str(v) for k, v in COUNTRY_CHOICES}
    try:
        from medvirk.population.models import MappingEntry
    except ImportError:  # pragma: no cover - population module absent
        return labels
    rows = MappingEntry.objects.filter(
        municipality_id=municipality_id, target_dimension="country_background"
    ).values_list("target_key", "source_label")
    for key, label in rows:
        if key and label and key not in labels:
            labels[key] = label
    return labels


def catchment_groups(*, unit: OrgUnit) -> tuple[list[CatchmentGroup], str]:
    """Return the groups to map for a unit and a note on where they came from."""
    try:
        from medvirk.population.selectors import catchment_for, population_margins
    except ImportError:  # pragma: no cover - population module absent
        return [CatchmentGroup(k, str(v)) for k, v in DEFAULT_GROUPS], str(_("Default list of groups."))
    catchment = catchment_for(unit=unit)
    margins = population_margins(municipality=unit.municipality, region=catchment.region)
    groups: list[CatchmentGroup] = []
    countries = margins.get("country_background")
    if countries is not None:
        names = _country_labels(unit.municipality_id)
        ranked = sorted(
            ((k, n) for k, n in countries.counts.items() if k in names or k.isdigit()),
            key=lambda kv: (-kv[1], kv[0]),
        )
        for code, n in ranked[:TOP_COUNTRIES]:
            label = _("Background from %(country)s") % {"country": names.get(code, code)}
            groups.append(CatchmentGroup(f"country:{code}", label, int(n)))
    ages = margins.get("age_band")
    if ages is not None:
        groups.append(
            CatchmentGroup(
                "youth", _("Young people (16–24)"), sum(ages.counts.get(b, 0) for b in YOUTH_BANDS)
            )
        )
        groups.append(
            CatchmentGroup("elderly", _("Elderly (67+)"), sum(ages.counts.get(b, 0) for b in ELDERLY_BANDS))
        )
    if not groups:
        return [CatchmentGroup(k, str(v)) for k, v in DEFAULT_GROUPS], str(
            _("No population data for this area yet: a default list of groups is shown.")
        )
    source = _("Largest groups in %(area)s. %(sources)s.") % {
        "area": catchment.label,
        "sources": sources_in_words({s for m in margins.values() for s in m.sources if s}),
    }
    return groups, source


def sources_in_words(labels: set[str]) -> str:
    """Name each source once with its tables: "Kilde: Statistisk sentralbyrå, 09817 (2026), 10826
    (2026)", not the credit again before every table ("…, fra Kilde: Statistisk sentralbyrå,
    09817 (2026); Kilde: Statistisk sentralbyrå, 10826 (2026)")."""
    tables: dict[str, list[str]] = {}
    for label in sorted(labels):
        credit, _comma, table = label.rpartition(", ")
        tables.setdefault(credit, []).append(table)
    return "; ".join(", ".join([credit, *named] if credit else named) for credit, named in tables.items())


def _speaks_for(org: Organisation, key: str) -> bool:
    if key.startswith("country:"):
        code = key.removeprefix("country:")
        return code in org.countries or bool(set(COUNTRY_LANGUAGES.get(code, ())) & set(org.languages))
    return key in org.groups or key in org.competences


def suggestions_for(*, unit: OrgUnit, key: str, exclude: set[int]) -> list[Organisation]:
    """Return organisations active in the unit's district (or anywhere, if none) that fit the group."""
    district = district_of_unit(unit)
    qs = Organisation.objects.filter(municipality_id=unit.municipality_id).exclude(pk__in=exclude)
    local = qs.filter(districts=district) if district is not None else qs.none()
    found = [o for o in local.order_by(Norwegian("name")) if _speaks_for(o, key)]
    if not found:
        found = [o for o in qs.order_by(Norwegian("name")) if _speaks_for(o, key)]
    return found[:5]


def mapping_for(*, unit: OrgUnit, year: int) -> tuple[YearlyMapping | None, list[CatchmentGroup], str]:
    """Return the saved mapping (if any) and the groups to show, with suggestions for every gap."""
    mapping = YearlyMapping.objects.filter(municipality_id=unit.municipality_id, unit=unit, year=year).first()
    groups, source = catchment_groups(unit=unit)
    if mapping is not None:
        saved = {g.key: g for g in mapping.groups.prefetch_related("organisations")}
        keys = {g.key for g in groups}
        for g in groups:
            if g.key in saved:
                g.organisation_ids = [o.pk for o in saved[g.key].organisations.all()]
                g.note = saved[g.key].note
        for key, s in saved.items():  # groups mapped earlier that are no longer among the largest
            if key not in keys:
                groups.append(
                    CatchmentGroup(key, s.label, s.size, [o.pk for o in s.organisations.all()], s.note)
                )
    for g in groups:
        if g.is_gap:
            g.suggestions = suggestions_for(unit=unit, key=g.key, exclude=set())
    return mapping, groups, source
