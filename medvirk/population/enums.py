"""Checked vocabulary of ``population``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class PopulationErrorCode(ErrorCode):
    """Codes of the errors ``population``'s services raise (the API returns them as ``code``)."""

    IMPORT_EXPIRED = "import_expired"
    INCONSISTENT_MAPPING = "inconsistent_mapping"
    INCONSISTENT_TABLE = "inconsistent_table"
    INVALID_CATEGORY = "invalid_category"
    INVALID_COUNT = "invalid_count"
    INVALID_CSV = "invalid_csv"
    INVALID_DIMENSION = "invalid_dimension"
    INVALID_JSONSTAT = "invalid_jsonstat"
    INVALID_TARGET = "invalid_target"
    INVALID_YEAR = "invalid_year"
    MAPPING_FAILED = "mapping_failed"
    TABLE_EXISTS = "table_exists"
    TOO_LARGE = "too_large"
    YEAR_REQUIRED = "year_required"


class PopulationAuditAction(AuditAction):
    """What ``population`` writes to the audit log; the label is what the audit page shows."""

    POPULATION_DELETED = "population.deleted", _("Population table deleted")
    POPULATION_IMPORTED = "population.imported", _("Population table imported")
    POPULATION_MAPPING_CORRECTED = "population.mapping_corrected", _("Population mapping corrected")
    POPULATION_USER_COUNTS_SET = "population.user_counts_set", _("Service-user counts entered")
