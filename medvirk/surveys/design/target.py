"""Who a survey is for (its target group), and who answers it: what the equity report compares with.

A home-care survey is for the service's users, mostly people aged 67 and over; comparing its
respondents with everyone living in the municipality told a coordinator that children were
under-represented (people walk, item 1). So a survey round carries its target group: an age range
in whole standard age bands (``common.dimensions.AGE_BANDS``, the granularity of the population
tables) and who answers, the users themselves or parents and relatives for them (a kindergarten's
users are children; their parents answer). A round made from the question bank gets the target
group of its template's service area (:data:`BY_SERVICE_AREA`); the analyst may change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from medvirk.common.dimensions import AGE_BANDS

from ..models import AnsweredBy

#: The ages a target group may start at and end at: the bounds of the standard age bands.
AGE_FROM = tuple(band.low for band in AGE_BANDS)
AGE_TO = tuple(band.high for band in AGE_BANDS if band.high is not None)


@dataclass(frozen=True, slots=True)
class Target:
    """A survey's target group: ages (None: no bound) and who answers (``users`` or ``relatives``)."""

    age_from: int | None = None
    age_to: int | None = None
    answered_by: str = AnsweredBy.USERS

    @property
    def by_relatives(self) -> bool:
        """Whether parents or relatives answer for the users (their own age, gender, … are not the users')."""
        return self.answered_by == AnsweredBy.RELATIVES

    @property
    def limited(self) -> bool:
        """Whether the target group is narrower than every age."""
        return bool(self.age_from) or self.age_to is not None

    def bands(self) -> list[str]:
        """Return the keys of the standard age bands inside the target group (all when not limited)."""
        low, high = self.age_from or 0, self.age_to
        return [
            band.key
            for band in AGE_BANDS
            if band.low >= low and (high is None or (band.high is not None and band.high <= high))
        ]

    def ages(self) -> str:
        """Say the ages in words: "aged 67 and over", "aged 0–15", "" when not limited."""
        if not self.limited:
            return ""
        if self.age_to is None:
            return _("aged %(age)s and over") % {"age": self.age_from}
        if not self.age_from:
            return _("aged %(age)s and under") % {"age": self.age_to}
        return _("aged %(low)s–%(high)s") % {"low": self.age_from, "high": self.age_to}


#: The target group of a round made from the question bank, by its template's service area.
BY_SERVICE_AREA: Mapping[str, Target] = {
    "home_care": Target(age_from=67),
    "nursing_home": Target(age_from=67, answered_by=AnsweredBy.RELATIVES),
    "kindergarten": Target(answered_by=AnsweredBy.RELATIVES),
    "school": Target(age_to=15),
}


def default_target(service_area: str | None) -> Target:
    """Return the target group a round gets from its definition's service area (else everyone)."""
    return BY_SERVICE_AREA.get(service_area or "", Target())


def target_of(survey: Any) -> Target:
    """Return a survey round's target group as stored."""
    return Target(survey.target_age_from, survey.target_age_to, survey.answered_by or AnsweredBy.USERS)


def target_problem(age_from: int | None, age_to: int | None, answered_by: str) -> tuple[str, str] | None:
    """Return (field, message) when a target group cannot be stored, else None."""
    if age_from is not None and age_from not in AGE_FROM:
        return "target_age_from", _("Choose an age where an age group starts: %(ages)s.") % {
            "ages": ", ".join(str(a) for a in AGE_FROM)
        }
    if age_to is not None and age_to not in AGE_TO:
        return "target_age_to", _("Choose an age where an age group ends: %(ages)s.") % {
            "ages": ", ".join(str(a) for a in AGE_TO)
        }
    if age_from is not None and age_to is not None and age_to < age_from:
        return "target_age_to", _("The highest age must be above the lowest.")
    if answered_by not in AnsweredBy.values:
        return "answered_by", _("Say who answers: the users themselves, or parents or relatives.")
    return None
