"""Fixed vocabularies of free choice of provider: stable keys stored, labels translated when shown.

Public: other apps (the comparison and statistics pages in ``insights``, the API) read them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    PRACTICAL_HELP = "practical_help", _("Practical help")
    HOME_NURSING = "home_nursing", _("Home nursing")
    BPA = "bpa", _("User-controlled personal assistance (BPA)")
    MEALS = "meals", _("Meals on wheels")
    OTHER = "other", _("Other service")


class ProviderKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    PRIVATE = "private", _("Private")


class Specialisation(models.TextChoices):
    DEMENTIA = "dementia", _("Dementia")
    PALLIATIVE = "palliative", _("Palliative care")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    DISABILITY = "disability", _("Physical disabilities")
    MINORITY_LANGUAGE = "minority_language", _("Users who speak other languages")
    CHILDREN = "children", _("Children and young people")
    DIABETES = "diabetes", _("Diabetes")
    REHABILITATION = "rehabilitation", _("Everyday rehabilitation")


class SwitchReason(models.TextChoices):
    """Why a client switches (several may apply), plus free text on the switch itself."""

    TOO_MANY_STAFF = "too_many_staff", _("Too many different staff")
    TIMES_NOT_KEPT = "times_not_kept", _("Visits not at the agreed time")
    TOO_LITTLE_TIME = "too_little_time", _("Staff have too little time")
    LANGUAGE = "language", _("Language or understanding each other")
    QUALITY = "quality", _("Quality of the help")
    RESPECT = "respect", _("Not treated with respect")
    FAMILY_WISH = "family_wish", _("The family's wish")
    MOVED = "moved", _("Moved to another area")
    PROVIDER_ENDED = "provider_ended", _("The provider stopped or lost its approval")
    OTHER = "other", _("Other reason")


class HowAssigned(models.TextChoices):
    """How a client came to a provider."""

    ACTIVE_CHOICE = "active_choice", _("Chose the provider")
    DEFAULT = "default", _("Default provider (no choice in time)")
    SWITCH = "switch", _("Switched")
    IMPORTED = "imported", _("Imported as a current client")


class Channel(models.TextChoices):
    """How a choice or switch reached the municipality."""

    CASE_HANDLER = "case_handler", _("Registered by the case handler")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("Paper form")
    ONLINE = "online", _("Online request")


class SwitchStatus(models.TextChoices):
    PLANNED = "planned", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")


class RequestKind(models.TextChoices):
    CHOICE = "choice", _("First choice")
    SWITCH = "switch", _("Switch")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    MATCHED = "matched", _("Matched to a client")
    REJECTED = "rejected", _("Closed without a match")


class ApprovalStatus(models.TextChoices):
    """An approval's state on a day (computed, not stored)."""

    APPROVED = "approved", _("Approved")
    NOT_YET = "not_yet", _("Approved from a later date")
    ENDED = "ended", _("Approval ended")
    SUSPENDED = "suspended", _("Approval suspended")
