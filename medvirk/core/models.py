"""Tenancy base model and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantModel(models.Model):
    """Base for every municipality-owned table.

    The municipality key is on every row (not only reachable through joins) so an installation
    can be distributed by municipality (Citus) and every query can be filtered by tenant first.
    Subclasses include ``municipality`` in their unique constraints.
    """

    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One staff change: who did what to which object, when. Never edited, never deleted."""

    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="audit_events", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
