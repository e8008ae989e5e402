"""How long free choice of provider keeps personal data (``core.retention``: the daily purge runs these)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, Period, cutoff_purge, retention_kind

from .services.retention import clients_pseudonymise_expired, online_requests_purge_expired

#: The retention kinds, also named by the models' record-of-processing declarations.
ONLINE_REQUESTS = "choice.online_requests"
CLIENT_REFERENCES = "choice.client_references"

#: Delete choices and switches sent from the public page some months after they were handled.
purge_online_requests = retention_kind(
    ONLINE_REQUESTS,
    label=_("Choices and switches sent online (names, phone, e-mail, reasons)"),
    counted_from=_("after a case handler handled them (or after they arrived, if never handled)"),
    period=Period(MONTHS, default=12, minimum=1, maximum=120),
    order=50,
)(cutoff_purge(online_requests_purge_expired))

#: Replace the case reference of clients whose service ended, keeping the statistics of choosing.
pseudonymise_clients = retention_kind(
    CLIENT_REFERENCES,
    label=_("Clients' alias or case reference in free choice of provider (replaced by a number)"),
    counted_from=_("after their service ended"),
    period=Period(MONTHS, default=24, minimum=6, maximum=120),
    order=51,
)(cutoff_purge(clients_pseudonymise_expired))
