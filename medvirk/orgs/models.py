"""Municipalities and their organisation tree (districts, agencies, units)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.common.norway import IdentifierError, validate_org_number
from medvirk.core.dataprotection import NO_PERSONAL_DATA
from medvirk.core.models import KeyedTenantModel, tenant_unique


def validate_unit_org_number(value: str) -> None:
    """Refuse anything but nine digits whose last is the MOD11 check digit of the first eight."""
    if value and validate_org_number(value).number != value:
        raise ValidationError(_("An organisation number has nine digits, the last a check digit."))


def org_number_problem(error: IdentifierError | None) -> str:
    """Return why an organisation number was refused (``validate_org_number``), in words."""
    if error in (IdentifierError.WRONG_CONTROL_DIGIT, IdentifierError.IMPOSSIBLE_CONTROL_DIGIT):
        return gettext("The organisation number's check digit does not match: check it for typos.")
    if error is IdentifierError.WRONG_LENGTH:
        return gettext("An organisation number has nine digits.")
    return gettext("An organisation number has nine digits and nothing else.")


class Municipality(models.Model):
    """A tenant: one municipality (kommune) and everything it owns."""

    personal_data = NO_PERSONAL_DATA

    code = models.CharField(_("municipality number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(unique=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=5,
        help_text=_("No figure from fewer respondents than this is shown. Only raised, never below 5."),
    )
    # The municipality's public face (orgs/branding.py): set by its administrators.
    brand_colour = models.CharField(_("brand colour"), max_length=7, blank=True)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)  # empty: no logo
    accessibility_statement_url = models.URLField(_("accessibility statement"), blank=True)
    privacy_contact = models.CharField(_("privacy contact"), max_length=200, blank=True)
    privacy_statement = models.TextField(_("privacy statement"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class MunicipalityLogo(models.Model):
    """A municipality's logo (PNG or JPEG), apart so that loading a municipality never loads it."""

    personal_data = NO_PERSONAL_DATA

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="logo"
    )
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.municipality} logo"


class UnitKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("City district")
    AGENCY = "agency", _("Agency")
    UNIT = "unit", _("Unit")


class ServiceArea(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("School")
    HOME_CARE = "home_care", _("Home care")
    NURSING_HOME = "nursing_home", _("Nursing home")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    YOUTH_CLUB = "youth_club", _("Youth club")
    HEALTH = "health", _("Health services")
    WELFARE = "welfare", _("Welfare (NAV)")
    OTHER = "other", _("Other")


def service_area_field() -> models.CharField[Any, Any]:
    """Return the column of the service area a unit, activity or measure belongs to."""
    return models.CharField(
        _("service area"), max_length=30, choices=ServiceArea.choices, default=ServiceArea.OTHER
    )


class OrgUnit(KeyedTenantModel):
    """A node in a municipality's organisation tree.

    ``path`` is a materialised path of primary keys ("12/15/31/"), so a subtree is one indexed
    ``startswith`` filter on both SQLite and PostgreSQL, and role scopes are path prefixes.
    """

    personal_data = NO_PERSONAL_DATA

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.UNIT)
    name = models.CharField(_("name"), max_length=150)
    service_area = service_area_field()
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        blank=True,
        help_text=_("Statistics Norway code of the area this unit covers, e.g. a city district."),
    )
    # From the municipality's HR system (accounts/org_import.py): what a re-import matches on.
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        db_index=True,
        validators=[validate_unit_org_number],
        help_text=_("Nine digits, from the Central Coordinating Register for Legal Entities."),
    )
    unit_code = models.CharField(
        _("unit code"),
        max_length=40,
        blank=True,
        help_text=_("The unit's code in the HR system, if it has one."),
    )
    # Set when a re-import from the HR system no longer lists the unit and the administrator
    # confirms it closed (accounts/org_import.py); the unit and everything recorded on it are kept.
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            tenant_unique("parent", "name", name="orgunit_unique_name_per_parent"),
            tenant_unique("path", name="orgunit_unique_path"),
            tenant_unique(name="orgunit_one_root_per_municipality", condition=models.Q(parent__isnull=True)),
            tenant_unique("unit_code", name="orgunit_unique_unit_code", condition=~models.Q(unit_code="")),
        ]

    def __str__(self) -> str:
        return self.name

    def is_ancestor_of(self, other: OrgUnit) -> bool:
        """Return whether ``other`` is this unit or lies below it."""
        return other.municipality_id == self.municipality_id and other.path.startswith(self.path)
