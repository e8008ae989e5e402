"""The organisations register: organisations, their contact persons, contacts with units,
self-service proposals from the public, and each unit's yearly mapping."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import BASIS_CONSENT, NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique

from .types import OrganisationKind


class Organisation(TenantModel):
    """A voluntary, user or immigrant organisation (or similar) known to the municipality."""

    personal_data = NO_PERSONAL_DATA

    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        help_text=_("Nine digits from the Brønnøysund Register Centre."),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.VOLUNTARY
    )
    description = models.TextField(_("description"), blank=True)
    districts = models.ManyToManyField(
        "orgs.OrgUnit",
        through="OrganisationDistrict",
        blank=True,
        related_name="+",
        verbose_name=_("districts where active"),
    )
    competences = models.JSONField(_("competence fields"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    groups = models.JSONField(_("groups it can speak for"), default=list, blank=True)
    countries = models.JSONField(_("country backgrounds it can speak for"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    listed_publicly = models.BooleanField(
        _("shown in the public search"), default=True, help_text=_("Untick to keep the entry internal.")
    )
    is_competence_partner = models.BooleanField(_("competence partner"), default=False)
    partner_from = models.DateField(_("competence partner from"), null=True, blank=True)
    partner_until = models.DateField(_("competence partner until"), null=True, blank=True)
    partner_support = models.TextField(
        _("support given"),
        blank=True,
        help_text=_("Grants, premises or other support from the municipality."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            tenant_unique(
                "org_number", name="organisation_unique_number", condition=~models.Q(org_number="")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org_number_grouped(self) -> str:
        """Return the number as it is usually written: ``974 760 673``."""
        n = self.org_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 9 else n


class ContactPerson(TenantModel):
    """A person to contact in an organisation, stored only with their consent; deleting deletes."""

    personal_data = PersonalData(
        data=_("name, e-mail address and phone number, with the consent and its purpose"),
        subjects=_("contact persons of organisations"),
        purpose=_("contact organisations that can voice minorities' views"),
        retention="partners.contact_persons",
        seen_by=_("staff who keep the organisations register or a unit's contact log"),
        legal_basis=BASIS_CONSENT,
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    consent_on = models.DateField(_("consent given on"))
    consent_purpose = models.CharField(_("purpose of the consent"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    INVITED = "invited", _("Invited to a meeting")
    CONSULTED = "consulted", _("Consulted")
    CO_ORGANISED = "co_organised", _("Co-organised")
    NOMINATION = "nomination", _("Asked to nominate members")
    OTHER = "other", _("Other")


class ContactLogEntry(KeyedTenantModel):
    """What one unit did with one organisation, and what the organisation contributed.

    ``activity`` links the contact to a documented participation activity when there is one;
    ``activity_reference`` is a free-text note (e.g. an event outside Medvirk).
    """

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference(verbose_name=_("unit"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_log", verbose_name=_("organisation")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    contribution = models.TextField(_("what it contributed"), blank=True)
    activity = models.ForeignKey(
        "participation.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participation activity"),
    )
    activity_reference = models.CharField(_("participation activity"), max_length=200, blank=True)
    created_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log entries")
        indexes = [models.Index(fields=["municipality", "unit", "-date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.organisation_id} {self.kind}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Proposal(TenantModel):
    """A new entry or an update proposed by the public; nothing changes until a coordinator accepts.

    ``data`` holds the proposed organisation fields; ``contact`` holds a contact person's details
    only when they consented (cleared when the proposal is rejected). ``client_hash`` is a keyed
    hash used for rate limiting; the address itself is never stored.
    """

    personal_data = PersonalData(
        data=_(
            "a proposed contact person's name, e-mail and phone (only with consent); a keyed hash of "
            "the sender's address for rate limiting"
        ),
        subjects=_("people proposing an organisation"),
        purpose=_("let the public propose organisations for the register"),
        retention="partners.contact_persons",
        seen_by=_("staff who moderate the register"),
        legal_basis=BASIS_CONSENT,
    )

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("organisation to update"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    data = models.JSONField(default=dict)
    contact = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message to the municipality"), blank=True)
    client_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_by = user_reference(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return str(self.data.get("name", self.pk))


class YearlyMapping(KeyedTenantModel):
    """A unit's yearly mapping of who can voice the views of the groups it serves."""

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference(verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    completed = models.BooleanField(_("completed"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = user_reference(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("yearly mapping")
        verbose_name_plural = _("yearly mappings")
        constraints = [
            tenant_unique("unit", "year", name="yearlymapping_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class MappingGroup(KeyedTenantModel):
    """One group in a unit's catchment area in a yearly mapping, with the organisations for it."""

    personal_data = NO_PERSONAL_DATA

    mapping = models.ForeignKey(YearlyMapping, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    size = models.PositiveIntegerField(null=True, blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="MappingGroupOrganisation", blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            tenant_unique("mapping", "key", name="mappinggroup_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label


class OrganisationDistrict(KeyedTenantModel):
    """One district an organisation is active in; the link row carries the municipality key like
    every tenant-owned table, so it is sharded with the organisation (docs/scaling.md)."""

    personal_data = NO_PERSONAL_DATA

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    orgunit = unit_reference(on_delete=models.CASCADE)

    class Meta:
        db_table = "partners_organisation_districts"
        constraints = [tenant_unique("organisation", "orgunit", name="organisationdistrict_unique")]


class MappingGroupOrganisation(KeyedTenantModel):
    """One organisation named for a group in a yearly mapping (with the municipality key)."""

    personal_data = NO_PERSONAL_DATA

    mappinggroup = models.ForeignKey(MappingGroup, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "partners_mappinggroup_organisations"
        constraints = [tenant_unique("mappinggroup", "organisation", name="mappinggrouporganisation_unique")]
