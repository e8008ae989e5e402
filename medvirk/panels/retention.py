"""How long the volunteers' pool keeps a volunteer (``core.retention``: the daily purge runs this)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, Period, cutoff_purge, retention_kind

from .services import volunteers_purge_expired

#: The retention kind of volunteers, also quoted in the sign-up form's consent text.
VOLUNTEERS = "panels.volunteers"


#: Delete volunteers whose consent is older than the period (their memberships go too).
purge_volunteers = retention_kind(
    VOLUNTEERS,
    label=_("Volunteers in the panel pool (name, e-mail, sign-up answers)"),
    counted_from=_("after their consent"),
    period=Period(MONTHS, default=36, minimum=6, maximum=120),
    order=10,
)(cutoff_purge(volunteers_purge_expired))
