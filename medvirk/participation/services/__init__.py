"""Writes for participation: each function is one complete, audited change that checks its actor.

Activities and their evaluation (``activities``), findings, measures and the yearly cycle
(``measures``), sharing figures with another municipality (``sharing``), survey rounds recorded
automatically (``survey_rounds``).
"""

from .activities import (
    ACTIVITY_FIELDS,
    activity_add_notes,
    activity_create,
    activity_document,
    activity_update,
    attachment_add,
    ensure_manage,
    evaluation_create,
)
from .measures import (
    MEASURE_FIELDS,
    cycle_mark_reminded,
    cycle_set,
    finding_create,
    finding_update,
    measure_create,
    measure_mark_reminded,
    measure_set_status,
    measure_update,
)
from .sharing import sharing_grant, sharing_revoke
from .survey_rounds import ROUNDS_ACTOR, survey_rounds_sync

__all__ = [
    "ACTIVITY_FIELDS",
    "MEASURE_FIELDS",
    "ROUNDS_ACTOR",
    "activity_add_notes",
    "activity_create",
    "activity_document",
    "activity_update",
    "attachment_add",
    "cycle_mark_reminded",
    "cycle_set",
    "ensure_manage",
    "evaluation_create",
    "finding_create",
    "finding_update",
    "measure_create",
    "measure_mark_reminded",
    "measure_set_status",
    "measure_update",
    "sharing_grant",
    "sharing_revoke",
    "survey_rounds_sync",
]
