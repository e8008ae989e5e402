"""Writes of client feedback: instruments, services, episodes, sessions, ratings, goals, links.

Every function takes a keyword-only ``actor`` and checks it first (ADR 0003): a
:class:`~medvirk.core.actors.SystemActor` passes (commands, the demo, a client's own link);
a staff user needs the permission on the unit, and on an episode must also be one of its
practitioners. Refusals are ``ServiceError`` with code ``forbidden``. The package's modules are
re-exported here, so callers write ``services.episode_open(...)``.
"""

from __future__ import annotations

from ._common import Actor, ensure_can, ensure_member, one_decimal
from .conversations import conversation_record, conversations_purge_expired, goals_finding_create
from .daily import _add_months, episodes_due_for_anonymising, retention_months, trajectories_refit
from .episodes import (
    client_rater,
    closing_figures,
    episode_close,
    episode_member_add,
    episode_member_remove,
    episode_open,
    episode_update,
    episodes_anonymise,
    goal_rate,
    goal_set,
    goal_status_set,
    rater_add,
    rating_submit,
    session_record,
)
from .links import (
    client_answers_submit,
    link_by_token,
    link_create,
    link_expiry,
    link_revoke,
    links_expired_delete,
)
from .setup import instrument_import, instrument_load, instrument_texts_set, retention_set, service_create

__all__ = [
    "Actor",
    "_add_months",
    "client_answers_submit",
    "client_rater",
    "closing_figures",
    "conversation_record",
    "conversations_purge_expired",
    "ensure_can",
    "ensure_member",
    "episode_close",
    "episode_member_add",
    "episode_member_remove",
    "episode_open",
    "episode_update",
    "episodes_anonymise",
    "episodes_due_for_anonymising",
    "goal_rate",
    "goal_set",
    "goal_status_set",
    "goals_finding_create",
    "instrument_import",
    "instrument_load",
    "instrument_texts_set",
    "link_by_token",
    "link_create",
    "link_expiry",
    "link_revoke",
    "links_expired_delete",
    "one_decimal",
    "rater_add",
    "rating_submit",
    "retention_months",
    "retention_set",
    "service_create",
    "session_record",
    "trajectories_refit",
]
