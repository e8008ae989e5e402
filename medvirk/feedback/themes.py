"""What matters to a unit's users: the goals of its "Hva er viktig for deg?" conversations as themes.

Anonymous aggregation per unit (the unit and everything below it): goals are masked for e-mail
addresses, phone and national identity numbers, grouped into lexical themes with the same method
as free-text answers (``analysis.text.cluster_themes``), and shown only when the unit has
conversations with at least the free-text threshold (8) of people; a theme with fewer goals than
that is folded into "other", and its examples are masked goals, never who said them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medvirk.analysis.text import DEFAULT_REPLACEMENTS, cluster_themes, mask_pii
from medvirk.orgs.models import OrgUnit

from .models import Conversation, Goal

EXAMPLES = 3


@dataclass(frozen=True)
class Theme:
    label: str  # "" for "other"
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class WhatMatters:
    unit: OrgUnit
    people: int
    goals: int
    shown: bool  # at least the threshold of people
    themes: tuple[Theme, ...]


def _plain(text: str) -> str:
    for placeholder in DEFAULT_REPLACEMENTS.values():
        text = text.replace(placeholder, " ")
    return text


def what_matters(unit: OrgUnit, *, threshold: int = 8, since: object = None) -> WhatMatters:
    """Return the themes of the goals recorded in ``unit`` and below it."""
    conversations = Conversation.objects.filter(
        municipality_id=unit.municipality_id, unit__path__startswith=unit.path
    )
    if since is not None:
        conversations = conversations.filter(held_on__gte=since)
    people = conversations.count()
    texts = [
        mask_pii(t).text
        for t in Goal.objects.filter(conversation__in=conversations)
        .exclude(text="")
        .values_list("text", flat=True)
    ]
    if people < threshold or len(texts) < threshold:
        return WhatMatters(unit, people, len(texts), False, ())
    result = cluster_themes([_plain(t) for t in texts])
    themes: list[Theme] = []
    other: list[int] = list(result.unclustered)
    for theme in result.themes:
        if theme.size < threshold:
            other.extend(theme.members)
            continue
        themes.append(Theme(theme.label, theme.size, _examples(texts, theme.members)))
    if other and themes:
        themes.append(Theme("", len(other), _examples(texts, other)))
    return WhatMatters(unit, people, len(texts), True, tuple(themes))


def _examples(texts: Sequence[str], members: Sequence[int]) -> tuple[str, ...]:
    out: list[str] = []
    for i in sorted(members):
        if texts[i] not in out:
            out.append(texts[i])
            if len(out) == EXAMPLES:
                break
    return tuple(out)
