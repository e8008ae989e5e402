"""How long client-feedback episodes keep what identifies a client (``core.retention``).

The municipality's period is the default; a unit's own policy (Administration → client feedback,
``RetentionPolicy``, nearest up the tree) still wins for its episodes. The daily purge
(``manage.py purge_personal_data``) anonymises what is due; ``feedback_daily`` runs this kind's
purge too (``purge_episodes``) before refitting trajectories.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, Period, PurgeContext, cutoff_purge, retention_kind

from . import services

#: The retention kind of client-feedback episodes.
EPISODES = "feedback.episodes"


@retention_kind(
    EPISODES,
    label=_("Client-feedback episodes (alias, birth year, contact details, goals, item answers)"),
    counted_from=_("after the episode closed, unless the unit sets its own period"),
    period=Period(MONTHS, default=12, minimum=1, maximum=120),
    order=40,
)
def purge_episodes(context: PurgeContext) -> int:
    """Anonymise closed episodes past their unit's period (scores stay, without identity)."""
    due = services.episodes_due_for_anonymising(context.municipality_id, context.today, context.amount)
    if context.dry_run:
        return len(due)
    return services.episodes_anonymise(actor=context.actor, episodes=due)


#: The retention kind of "What matters to you?" conversations outside an episode.
CONVERSATIONS = "feedback.conversations"

#: Delete conversations (their background and goals in the person's words) older than the period:
#: no name is recorded, but goals in one's own words with a unit, a date and a background can
#: still point to a person, so they are not kept for ever.
purge_conversations = retention_kind(
    CONVERSATIONS,
    label=_("“What matters to you?” conversations (background, goals in the person's words)"),
    counted_from=_("after the conversation"),
    period=Period(MONTHS, default=36, minimum=6, maximum=120),
    order=45,
)(cutoff_purge(services.conversations_purge_expired))
