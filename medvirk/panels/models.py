"""Volunteers' pool, panels with quotas, selection runs (the stored lottery) and panel members."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import BASIS_CONSENT, BASIS_PUBLIC_TASK, NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import user_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique

from .choices import PanelMethod, PanelStatus


class Volunteer(KeyedTenantModel):
    """A citizen who volunteered for panels; withdrawing deletes the row (and memberships)."""

    personal_data = PersonalData(
        data=_(
            "name, e-mail address, answers to the sign-up form (age band, gender, district, immigrant"
            " background, social background, languages, accessibility needs), the consent; a keyed"
            " digest of their ID-porten identifier when they link their registration to ID-porten"
        ),
        subjects=_("residents who volunteer for panels and councils"),
        purpose=_("draw panels by lot that match the population, and invite the people drawn"),
        retention="panels.volunteers",
        seen_by=_("staff who manage panels"),
        legal_basis=_("GDPR art. 6(1)(a) and art. 9(2)(a): explicit consent"),
        special=True,
    )

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    age_band = models.CharField(_("age group"), max_length=30)
    gender = models.CharField(_("gender"), max_length=30)
    district = models.CharField(_("city district"), max_length=30)
    immigrant_background = models.CharField(_("immigrant background"), max_length=40)
    social_background = models.CharField(_("education"), max_length=30)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    consent_text = models.TextField(_("consent given"))
    consent_at = models.DateTimeField(_("consent given on"))
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)
    withdraw_token_hash = models.CharField(max_length=64, blank=True)
    # accounts.idporten.subject_digest of the volunteer's ID-porten login, once they linked it: they
    # then see and withdraw their registration after logging in (never the national identity number)
    identity_digest = models.CharField(max_length=64, blank=True, db_index=True)
    household_key = models.CharField(_("household"), max_length=100, blank=True)
    source = models.CharField(max_length=20, default="signup")  # signup, import, demo
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            tenant_unique("email", name="volunteer_unique_email"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def person_id(self) -> str:
        """Return the id used in selection instances (zero-padded so it sorts like the key)."""
        return f"v{self.pk:09d}"


class Panel(TenantModel):
    """A user panel to be drawn from the pool by lot, under quotas."""

    personal_data = NO_PERSONAL_DATA

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    size = models.PositiveIntegerField(_("number of seats"))
    status = models.CharField(
        _("status"), max_length=20, choices=PanelStatus.choices, default=PanelStatus.DRAFT
    )
    method = models.CharField(
        _("selection method"), max_length=20, choices=PanelMethod.choices, default=PanelMethod.LEXIMIN
    )
    one_per_household = models.BooleanField(_("at most one person per household"), default=False)
    seed = models.BigIntegerField(_("published seed"), null=True, blank=True)
    created_by = user_reference()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return self.name


class PanelQuota(KeyedTenantModel):
    """At least ``min`` and at most ``max`` seats for people with ``feature == value``."""

    personal_data = NO_PERSONAL_DATA

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="quotas")
    feature = models.CharField(max_length=40)
    value = models.CharField(max_length=40)
    min = models.PositiveIntegerField(default=0)
    max = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            tenant_unique("panel", "feature", "value", name="panelquota_unique_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.feature}={self.value} [{self.min}, {self.max}]"


class SelectionRun(TenantModel):
    """One draw: the lottery (distribution) it came from, the seed and the panel drawn.

    ``distribution`` holds ``{"profiles": [[feature values…]], "members": [[person ids…]],
    "compositions": [[seats per profile…]], "probabilities": [...], "profile_probabilities": [...]}``
    so the draw can be repeated from the seed alone. Person ids are ``v<volunteer pk>``; nothing else
    about a person is stored here.
    """

    personal_data = PersonalData(
        table=_("panel draws"),
        data=_(
            "pseudonymous ids of the volunteers in the pool and those drawn, with the seed, so a draw"
            " can be proven"
        ),
        subjects=_("volunteers"),
        purpose=_("prove that a panel was drawn fairly"),
        retention=_("as long as the panel is kept; the ids identify nobody once the volunteers are deleted"),
        seen_by=_("staff who manage panels"),
        legal_basis=_("GDPR art. 6(1)(e)"),
        pseudonymous=True,
    )

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="runs")
    method = models.CharField(max_length=20, choices=PanelMethod.choices)
    seed = models.BigIntegerField()
    features = models.JSONField(default=list)
    quotas = models.JSONField(default=list)  # [[feature, value, min, max], …] as used
    distribution = models.JSONField(default=dict)
    person_probabilities = models.JSONField(default=dict)
    minimum = models.FloatField(null=True)
    stats = models.JSONField(default=dict)
    drawn = models.JSONField(default=list)  # person ids
    pool_size = models.PositiveIntegerField(default=0)
    actor = user_reference()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class MemberStatus(models.TextChoices):
    SELECTED = "selected", _("Selected")
    DECLINED = "declined", _("Declined")
    REPLACEMENT = "replacement", _("Replacement")


class PanelMember(KeyedTenantModel):
    """A volunteer drawn for a panel (or drawn as a replacement, or who declined)."""

    personal_data = PersonalData(
        table=_("panel members"),
        data=_("which volunteer was drawn for a panel and whether they accepted"),
        subjects=_("volunteers"),
        purpose=_("run the panel"),
        retention="panels.volunteers",
        seen_by=_("staff who manage panels"),
        legal_basis=BASIS_CONSENT,
    )

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(max_length=20, choices=MemberStatus.choices, default=MemberStatus.SELECTED)
    seed = models.BigIntegerField(null=True, blank=True)  # the replacement draw's seed
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            tenant_unique("panel", "volunteer", name="panelmember_unique_volunteer"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} ({self.status})"


class Council(KeyedTenantModel):
    """A standing user council (brukerråd): members with terms, and a decisions log."""

    personal_data = PersonalData(
        data=_("the council's contact e-mail address (may be a person's)"),
        subjects=_("council members"),
        purpose=_("reach the council"),
        retention=_("as long as the council exists"),
        seen_by=_("staff who manage panels"),
        legal_basis=BASIS_PUBLIC_TASK,
    )

    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    contact_email = models.EmailField(
        _("e-mail for reminders"), blank=True, help_text=_("Gets a reminder before a member's term ends.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [tenant_unique("name", name="council_unique_name")]

    def __str__(self) -> str:
        return self.name


class CouncilMemberKind(models.TextChoices):
    USER = "user", _("User representative")
    ORGANISATION = "organisation", _("Organisation delegate")
    STAFF = "staff", _("Staff")


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    SUBSTITUTE = "substitute", _("Substitute")


class CouncilMember(TenantModel):
    """A seat on a council for a term; ``reminded_on`` is set when the renewal reminder went out."""

    personal_data = PersonalData(
        table=_("council members"),
        data=_("name, organisation, role and term of a council member"),
        subjects=_("council members (e.g. the elderly council)"),
        purpose=_("run user councils and remind staff before a term ends"),
        retention=_("as long as the council exists; staff remove members whose term ended"),
        seen_by=_("staff who manage panels"),
        legal_basis=_("GDPR art. 6(1)(c) and (e): kommuneloven § 5-12 (councils)"),
    )

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("represents"), max_length=20, choices=CouncilMemberKind.choices)
    role = models.CharField(_("role"), max_length=20, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["term_end", "name"]

    def __str__(self) -> str:
        return self.name


class CouncilDecision(TenantModel):
    """One entry of a council's decisions log."""

    personal_data = NO_PERSONAL_DATA

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="decisions")
    date = models.DateField(_("date"))
    text = models.TextField(_("decision or advice"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]


class CouncilMeeting(TenantModel):
    """A council meeting; it can be recorded as a participation activity (kind "council meeting").

    The link lives here only, so participation does not depend on panels.
    """

    personal_data = NO_PERSONAL_DATA

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    activity = models.ForeignKey(
        "participation.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participation activity"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")

    def __str__(self) -> str:
        return self.title
