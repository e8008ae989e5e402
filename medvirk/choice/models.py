"""Free choice of provider (fritt brukervalg): services with choice, approved providers, clients,
their providers over time, switches and requests that arrive online.

A client is an alias with a decision (vedtak) date, never a national ID number; background
fields hold only what the case handler's own record says (empty: not known). The history of a
client is the list of :class:`Assignment` rows: each a period with one provider, never deleted.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, tenant_unique

from .rules import Period
from .types import (
    ApprovalStatus,
    Channel,
    HowAssigned,
    ProviderKind,
    RequestKind,
    RequestStatus,
    ServiceKind,
    SwitchStatus,
)

# The record of processing (core.dataprotection): what the tables of a client's case share.
_case_record = partial(
    PersonalData,
    subjects=_("people granted a service with free choice of provider"),
    seen_by=_("case handlers with free-choice rights on the service's unit"),
    legal_basis=_(
        "GDPR art. 6(1)(e) and art. 9(2)(h): helse- og omsorgstjenesteloven and the municipality's "
        "free-choice scheme"
    ),
)
_KEPT_WITH_CASE = _("kept with the client; pseudonymous once the client's case reference is replaced")


class ChoiceService(KeyedTenantModel):
    """A service the client chooses a provider for, and the rules of choosing."""

    personal_data = NO_PERSONAL_DATA

    owner_unit = unit_reference(verbose_name=_("responsible unit"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind of service"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("what the service is, in plain words"), blank=True)
    areas = models.JSONField(
        _("areas"),
        default=list,
        blank=True,
        help_text=_("City districts where clients choose (region codes); empty: the whole municipality."),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice for a switch (days)"), default=14)
    choice_days = models.PositiveSmallIntegerField(_("time to choose after the decision (days)"), default=14)
    default_provider = models.ForeignKey(
        "Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default provider"),
    )
    phone = models.CharField(_("phone for advice"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail for forms and questions"), blank=True)
    published = models.BooleanField(_("shown on the public comparison page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service with choice")
        verbose_name_plural = _("services with choice")
        constraints = [
            tenant_unique("name", name="choice_service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Provider(KeyedTenantModel):
    """An approved (or formerly approved) provider: a unit in the organisation tree.

    The unit is what survey rounds run in, so each provider's user survey feeds the comparison;
    it is what provider staff hold their role on, so they see only their own clients.
    """

    personal_data = PersonalData(
        data=_("the provider's contact person: name, e-mail and phone"),
        subjects=_("contact persons of providers"),
        purpose=_("reach approved providers about clients, approvals and reports"),
        retention=_("as long as the provider is registered"),
        seen_by=_("staff who manage free choice"),
        legal_basis=_("GDPR art. 6(1)(e): the municipality's tasks"),
    )

    unit = unit_reference(related_name="choice_providers", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    org_number = models.CharField(_("organisation number"), max_length=9)
    languages = models.JSONField(_("languages staff speak"), default=list, blank=True)
    specialisations = models.JSONField(_("specialisations"), default=list, blank=True)
    description = models.TextField(_("about the provider, in plain words"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(
        _("e-mail for notices"), help_text=_("New and ending clients are announced to this address.")
    )
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            tenant_unique("org_number", name="choice_provider_unique_org"),
            # A unit is at most one provider; the key names the municipality (core/tenancy.py).
            tenant_unique("unit", name="choice_provider_unique_unit"),
        ]

    def __str__(self) -> str:
        return self.unit.name

    @property
    def name(self) -> str:
        return self.unit.name


class Approval(KeyedTenantModel):
    """A provider's approval for one service: period, contract, capacity and areas."""

    personal_data = NO_PERSONAL_DATA

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="approvals")
    service = models.ForeignKey(ChoiceService, on_delete=models.PROTECT, related_name="approvals")
    approved_from = models.DateField(_("approved from"))
    approved_until = models.DateField(_("approved until"), null=True, blank=True)
    suspended = models.BooleanField(_("approval suspended"), default=False)
    contract = models.CharField(_("contract reference"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (clients)"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    areas = models.JSONField(
        _("areas served"),
        default=list,
        blank=True,
        help_text=_("City districts served (region codes); empty: every area of the service."),
    )

    class Meta:
        ordering = ["service__name", "provider__unit__name"]
        constraints = [
            tenant_unique("provider", "service", name="choice_approval_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} – {self.service}"

    def status_on(self, day: date) -> ApprovalStatus:
        """Return whether the provider may be chosen on ``day``."""
        if self.suspended:
            return ApprovalStatus.SUSPENDED
        if day < self.approved_from:
            return ApprovalStatus.NOT_YET
        if self.approved_until is not None and day > self.approved_until:
            return ApprovalStatus.ENDED
        return ApprovalStatus.APPROVED

    def serves(self, district: str) -> bool:
        """Return whether the provider serves clients living in ``district`` ("" = not known)."""
        return not district or not self.areas or district in self.areas


class Client(KeyedTenantModel):
    """A client with a decision for a service: an alias, never a national ID number.

    Background fields hold what the case handler's record says; empty means not known (the
    client is never asked to pick one for Medvirk's sake).
    """

    personal_data = _case_record(
        data=_(
            "alias or case reference, decision date, district, age group, immigrant background, "
            "preferred language"
        ),
        purpose=_("follow each person's choice and switches; equity statistics in aggregate"),
        retention="choice.client_references",  # choice/retention.py
        special=True,
    )

    service = models.ForeignKey(ChoiceService, on_delete=models.PROTECT, related_name="clients")
    alias = models.CharField(_("alias or case reference"), max_length=60)
    decision_on = models.DateField(_("decision date"))
    choice_deadline = models.DateField(_("last day to choose"))
    district = models.CharField(_("city district"), max_length=12, blank=True)
    age_band = models.CharField(_("age group"), max_length=8, blank=True)
    immigrant_background = models.CharField(_("immigrant background"), max_length=40, blank=True)
    language = models.CharField(_("preferred language"), max_length=12, blank=True)
    ended_on = models.DateField(_("service ended"), null=True, blank=True)
    created_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            tenant_unique("service", "alias", name="choice_client_unique"),
        ]
        indexes = [models.Index(fields=["municipality", "service", "decision_on"])]

    def __str__(self) -> str:
        return self.alias


class Assignment(KeyedTenantModel):
    """One period of one client with one provider (the client's history is the list of these)."""

    personal_data = _case_record(
        table=_("providers given to clients"),
        data=_("which provider serves a client, from and to when, and how it was chosen"),
        purpose=_("follow each person's choice and switches; equity statistics in aggregate"),
        retention=_KEPT_WITH_CASE,
    )

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    how = models.CharField(_("how"), max_length=20, choices=HowAssigned.choices)
    channel = models.CharField(_("received"), max_length=20, choices=Channel.choices, blank=True)
    chosen_on = models.DateField(_("chosen on"), null=True, blank=True)
    start_notified_at = models.DateTimeField(null=True, blank=True)
    end_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client_id", "starts_on", "id"]
        indexes = [
            models.Index(fields=["municipality", "provider", "starts_on"]),
            models.Index(fields=["municipality", "client", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="choice_assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} – {self.provider} from {self.starts_on}"

    @property
    def period(self) -> Period:
        return Period(self.starts_on, self.ends_on)


class Switch(KeyedTenantModel):
    """A client's switch from one provider to another, with the reasons and the notice rule's dates."""

    personal_data = _case_record(
        data=_("a client's switch of provider: dates and the reasons, also in the client's words"),
        purpose=_("carry out switches with the notice rule; learn why people switch, in aggregate"),
        retention=_KEPT_WITH_CASE,
        special=True,
    )

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="switches")
    from_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    to_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    wished_on = models.DateField(_("wished start"), null=True, blank=True)
    effective_on = models.DateField(_("new provider from"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    reason_text = models.TextField(_("reason in the client's words"), blank=True)
    channel = models.CharField(_("received"), max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=SwitchStatus.choices, default=SwitchStatus.PLANNED)
    ended_assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    new_assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("switch")
        verbose_name_plural = _("switches")
        indexes = [models.Index(fields=["municipality", "requested_on"])]
        constraints = [
            # A new assignment comes from one switch at most; the key names the municipality.
            tenant_unique("new_assignment", name="choice_switch_unique_new_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.from_provider} → {self.to_provider}"


class StatisticsRelease(KeyedTenantModel):
    """A service-year's statistics of choosing as they were published (first shown), kept.

    Figures read from the records as they are today moved by exactly one client when a case
    handler entered a client late, cancelled a switch asked for in an ended month or ended a
    client back in time: read before and after, the difference was that client (red team 4).
    So the figures are read from the last release, and a new release is made only where at
    least the threshold's number of clients have changed (``choice.statistics.release_parts``).

    ``parts`` holds, per part of the figures (first choices, clients on the day, switches), the
    day it goes up to and its counts per combination of provider and background groups: counts
    only, no client reference (the rows themselves stay under the clients' retention).
    """

    personal_data = NO_PERSONAL_DATA

    service = models.ForeignKey(ChoiceService, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    revision = models.PositiveIntegerField()
    reference_day = models.DateField()
    parts = models.JSONField(default=dict)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            tenant_unique("service", "year", "revision", name="choice_statistics_release_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.year} #{self.revision}"


class OnlineRequest(KeyedTenantModel):
    """A choice or switch request sent from the public page, waiting for a case handler to match it.

    The sender may be the client or a relative. An identified request (ID-porten, added with the
    municipal-IT work) carries the identity provider, the assurance level and a keyed digest of
    the person's identifier, so repeated requests from one person can be linked without storing
    a national ID number; the case handler still matches it to the client by hand.
    """

    personal_data = _case_record(
        table=_("choices sent online"),
        data=_(
            "the client's and sender's names, phone, e-mail, reasons; with ID-porten only a keyed digest "
            "of the identity and its level"
        ),
        subjects=_("people who ask for a provider or a switch online, and those who ask for them"),
        purpose=_("let people choose or switch provider online; a case handler matches the request"),
        retention="choice.online_requests",  # choice/retention.py
        special=True,
    )

    service = models.ForeignKey(ChoiceService, on_delete=models.CASCADE, related_name="online_requests")
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("wanted provider")
    )
    wished_on = models.DateField(_("wished start"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    reason_text = models.TextField(_("reason"), blank=True)
    client_name = models.CharField(_("the client's name"), max_length=150)
    sender_name = models.CharField(_("sent by (if not the client)"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("page language"), max_length=12, blank=True)
    identity_provider = models.CharField(max_length=20, blank=True)  # "" or "idporten"
    identity_level = models.CharField(max_length=20, blank=True)  # e.g. "substantial", "high"
    identity_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    switch = models.ForeignKey(Switch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    handled_by = user_reference(blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d}"

    @property
    def identified(self) -> bool:
        return bool(self.identity_provider)


class ContinuityReport(KeyedTenantModel):
    """Continuity as the provider reports it for a period: distinct staff per client in four weeks."""

    personal_data = NO_PERSONAL_DATA

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="continuity_reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    staff_per_client = models.DecimalField(
        _("different staff per client in four weeks (average)"), max_digits=4, decimal_places=1
    )
    reported_by = user_reference(blank=True)
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            tenant_unique("provider", "period_start", "period_end", name="choice_continuity_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.period_start}–{self.period_end}"
