"""A round's organisation tree: its units and every unit above one, as a closed round keeps it.

A closed round's figures are final. Read on today's tree, a unit moved after the close took its
answers from its old district to its new one: the old district's figures moved by exactly the
moved unit's, so its leader, who had read the district before, could subtract and read the
neighbour the anonymity decision hid (red team 5). So the tree is kept when the round closes
(``design.services.survey_set_status`` keeps :func:`tree_today` as it closes) and every reader of a
closed round's figures gets that tree from :func:`round_tree_units` (``insights.selectors.survey_tree``
builds the results', exports', API's and equity report's tree from it).

Who may see which unit's figures is still decided on today's tree: a leader's access follows the
unit where it stands now.
"""

from __future__ import annotations

from dataclasses import dataclass

from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit

from .models import ClosedTreeUnit, Survey, SurveyStatus, SurveyUnit


@dataclass(frozen=True, slots=True)
class TreeUnit:
    """A unit in a round's tree, with its place (parent, path, depth) in that tree."""

    unit: OrgUnit
    parent_id: int | None
    path: str
    depth: int
    is_survey_unit: bool


def round_tree_units(*, survey: Survey) -> list[TreeUnit]:
    """Return the round's units and all units above them, in path order.

    A closed round: as they stood when it closed (one query); a round closed before the tree was
    kept, and every other round, as they stand today (two queries).
    """
    if survey.status == SurveyStatus.CLOSED:
        kept = list(
            ClosedTreeUnit.objects.filter(
                co_located("unit"), municipality_id=survey.municipality_id, survey=survey
            )
            .select_related("unit")
            .order_by("path")
        )
        if kept:
            return [TreeUnit(k.unit, k.parent_id_at_close, k.path, k.depth, k.is_survey_unit) for k in kept]
    return tree_today(survey)


def tree_today(survey: Survey) -> list[TreeUnit]:
    """Return the round's tree as it stands today (what a closing round keeps)."""
    unit_paths = list(
        SurveyUnit.objects.filter(co_located("unit"), municipality_id=survey.municipality_id, survey=survey)
        .order_by()
        .values_list("unit_id", "unit__path")
    )
    survey_unit_ids = {uid for uid, _path in unit_paths}
    ids = {int(part) for _uid, path in unit_paths for part in path.split("/") if part}
    units = OrgUnit.objects.filter(municipality_id=survey.municipality_id, pk__in=ids).order_by("path")
    return [TreeUnit(u, u.parent_id, u.path, u.depth, u.pk in survey_unit_ids) for u in units]
