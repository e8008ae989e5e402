"""How long the organisations register keeps contact persons (``core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, Period, cutoff_purge, retention_kind

from .services import contact_details_purge_expired

#: Delete contact persons whose consent is older than the period; clear old proposals' contacts.
purge_contact_persons = retention_kind(
    "partners.contact_persons",
    label=_("Contact persons of organisations (name, e-mail, phone), also in proposals from the public"),
    counted_from=_("after their consent"),
    period=Period(MONTHS, default=36, minimum=6, maximum=120),
    order=20,
)(cutoff_purge(contact_details_purge_expired))
