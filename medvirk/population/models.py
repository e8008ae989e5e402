"""Imported population tables, their mapping onto the standard dimensions, and service-user counts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import NO_PERSONAL_DATA
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, tenant_unique

POPULATION_TOTAL = "__population__"
"""Dimension key of the per-region population total row in :class:`PopulationCount`."""


class SourceFormat(models.TextChoices):
    JSONSTAT = "jsonstat", _("JSON-stat 2.0")
    CSV = "csv", _("CSV")


class PopulationTable(KeyedTenantModel):
    """One imported statistics table (e.g. SSB 10826 for 2026) with its raw document kept."""

    personal_data = NO_PERSONAL_DATA

    source = models.CharField(_("source"), max_length=100, blank=True)
    table_id = models.CharField(_("table"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=400)
    credit = models.CharField(_("credit line"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=50, blank=True)
    source_format = models.CharField(max_length=10, choices=SourceFormat.choices)
    filename = models.CharField(max_length=200, blank=True)
    raw = models.TextField(help_text=_("The document exactly as uploaded."))
    selections = models.JSONField(default=dict)
    region_dimension = models.CharField(max_length=64, blank=True)
    issues = models.JSONField(default=list)
    imported_by = user_reference(blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "table_id"]
        constraints = [
            tenant_unique("table_id", "year", name="populationtable_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.table_id} ({self.year})"

    @property
    def name(self) -> str:
        """Return what the table holds, as pages name it: its title without the table number that
        Statistics Norway puts before it ("07459: Befolkning, …" → "Befolkning, …")."""
        prefix = f"{self.table_id}:"
        title = self.title[len(prefix) :] if self.title.startswith(prefix) else self.title
        return title.strip() or self.table_id


class MappingStatus(models.TextChoices):
    AUTO = "auto", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    UNMAPPED = "unmapped", _("Not used")


class MappingEntry(KeyedTenantModel):
    """How one source code maps onto a standard category; the analyst can correct it."""

    personal_data = NO_PERSONAL_DATA

    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="mapping_entries")
    position = models.PositiveIntegerField(default=0)
    source_dimension = models.CharField(max_length=64)
    target_dimension = models.CharField(max_length=64)
    source_code = models.CharField(max_length=64)
    source_label = models.CharField(max_length=200, blank=True)
    target_key = models.CharField(max_length=64, blank=True, help_text=_("Empty: not used."))
    status = models.CharField(max_length=10, choices=MappingStatus.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            tenant_unique("table", "source_dimension", "source_code", name="mappingentry_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.source_dimension}/{self.source_code} → {self.target_key or '-'}"


class PopulationCount(KeyedTenantModel):
    """Persons in one standard category of one region, aggregated from a table by its mapping."""

    personal_data = NO_PERSONAL_DATA

    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="counts")
    region = models.CharField(max_length=20, blank=True)
    dimension = models.CharField(max_length=64)
    category = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField()
    suppressed_cells = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            tenant_unique("table", "region", "dimension", "category", name="populationcount_unique_cell"),
        ]
        indexes = [models.Index(fields=["municipality", "region", "dimension"])]

    def __str__(self) -> str:
        return f"{self.region} {self.dimension}={self.category}: {self.count}"


class UserCountSource(models.TextChoices):
    ENTERED = "entered", _("Entered by hand")
    IMPORTED = "imported", _("Imported from the case system")


class UserCount(KeyedTenantModel):
    """Actual service users of a unit in one year, by one standard dimension and category."""

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference()
    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(max_length=64)
    category = models.CharField(max_length=64)
    count = models.PositiveIntegerField(_("number of users"))
    source = models.CharField(max_length=10, choices=UserCountSource.choices, default=UserCountSource.ENTERED)
    updated_by = user_reference(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__path", "-year", "dimension"]
        constraints = [
            tenant_unique("unit", "year", "dimension", "category", name="usercount_unique_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.dimension}={self.category}: {self.count}"
