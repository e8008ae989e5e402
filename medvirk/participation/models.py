"""Participation activities, their findings, measures (tiltak) and the yearly cycle."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from medvirk.core.dataprotection import BASIS_PUBLIC_TASK, NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique
from medvirk.orgs.models import service_area_field


class ActivityKind(models.TextChoices):
    USER_MEETING = "user_meeting", _("User meeting")
    USER_PANEL = "user_panel", _("User panel")
    COUNCIL_MEETING = "council_meeting", _("Council meeting")
    FOCUS_GROUP = "focus_group", _("Focus group")
    REFLECTION_GROUP = "reflection_group", _("Reflection group")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogue meeting")
    INDIVIDUAL = "individual", _("Individual conversations")
    # "Survey round" alone is the survey-and-round picker elsewhere ("Brukerundersøkelse og runde")
    SURVEY_ROUND = "survey_round", pgettext_lazy("activity kind", "Survey round")


class Ladder(models.TextChoices):
    """The participation ladder, lowest rung first."""

    USER_PERSPECTIVE = "user_perspective", _("User perspective")
    INFORMANTS = "informants", _("Users as informants")
    DIALOGUE = "dialogue", _("Dialogue")
    USER_CONTROL = "user_control", _("User control")


class Level(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    REPRESENTATIVE = "representative", _("Representative")


class Invited(models.TextChoices):
    OPEN = "open", _("Open to everyone")
    ORGANISATIONS = "organisations", _("Organisations")
    PANEL = "panel", _("A selected panel")


class Activity(KeyedTenantModel):
    """One participation activity: planned, then documented and evaluated afterwards."""

    personal_data = PersonalData(
        data=_("minutes and evaluation texts may name participants; composition is stored only as counts"),
        subjects=_("participants in activities"),
        purpose=_("document participation and what came of it"),
        retention=_("as long as the municipality documents its participation work"),
        seen_by=_("staff with participation rights on the unit; published activities on the public pages"),
        legal_basis=BASIS_PUBLIC_TASK,
    )

    owner_unit = unit_reference(verbose_name=_("responsible unit"))
    units = models.ManyToManyField(
        "orgs.OrgUnit", through="ActivityUnit", related_name="+", blank=True, verbose_name=_("units")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    service_area = service_area_field()
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    question = models.TextField(_("question put to participants"), blank=True)
    ladder = models.CharField(_("ladder level"), max_length=20, choices=Ladder.choices)
    level = models.CharField(_("participation level"), max_length=20, choices=Level.choices)
    invited = models.CharField(_("who was invited"), max_length=20, choices=Invited.choices)
    offers_interpreter = models.BooleanField(_("interpreter"), default=False)
    offers_accessible_venue = models.BooleanField(_("accessible venue"), default=False)
    offers_child_care = models.BooleanField(_("child care"), default=False)
    offers_travel_costs = models.BooleanField(_("travel costs covered"), default=False)
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evaluation_survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Afterwards.
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    # {dimension key: {category key: count}}; never shown below the anonymity threshold.
    composition = models.JSONField(default=dict, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    staff_evaluation = models.TextField(_("our own evaluation"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["municipality", "starts_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def documented(self) -> bool:
        """Return whether the activity has been documented afterwards."""
        return self.participants is not None


def attachment_path(instance: ActivityAttachment, filename: str) -> str:
    """Store files per municipality and activity under MEDIA_ROOT (never served directly)."""
    return f"participation/{instance.municipality_id}/{instance.activity_id}/{filename}"


class ActivityAttachment(TenantModel):
    """A checked file (minutes, pictures of notes) attached to an activity."""

    personal_data = PersonalData(
        table=_("files attached to activities"),
        data=_("files attached to an activity (minutes, invitations), which may name people"),
        subjects=_("participants in activities"),
        purpose=_("document the activity"),
        retention=_("as long as the activity is kept"),
        seen_by=_("staff with participation rights on the unit"),
        legal_basis=BASIS_PUBLIC_TASK,
    )

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Finding(TenantModel):
    """A short statement of what was learnt, linked to its evidence."""

    personal_data = NO_PERSONAL_DATA
    #: Not a column: the measures considered and rejected, set for the public page
    #: (``selectors.public_summary``).
    declined_measures: list[Measure]

    unit = unit_reference(verbose_name=_("unit"))
    statement = models.CharField(_("finding"), max_length=300)
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.BooleanField(_("published"), default=False)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return self.statement


class DecisionLevel(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    AGENCY = "agency", _("Agency or district")
    COUNCIL = "council", _("City council")
    PARLIAMENT = "parliament", _("Parliament")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected")


class Measure(TenantModel):
    """A measure (tiltak): what the unit does about a finding, followed until done or rejected."""

    personal_data = PersonalData(
        table=_("measures"),
        data=_("the name of the person responsible for a measure"),
        subjects=_("staff"),
        purpose=_("follow up measures"),
        retention=_("as long as the measure is kept"),
        seen_by=_("staff with participation rights; published measures on the public pages"),
        legal_basis=BASIS_PUBLIC_TASK,
    )

    unit = unit_reference(verbose_name=_("unit"))
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = user_reference(blank=True, verbose_name=_("owner"))
    service_area = service_area_field()
    decision_level = models.CharField(_("decision level"), max_length=20, choices=DecisionLevel.choices)
    within_budget = models.BooleanField(_("within existing budget"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    outcome = models.TextField(_("what came of it"), blank=True)
    shareable = models.BooleanField(_("share in the measure bank"), default=False)
    published = models.BooleanField(_("published"), default=False)
    reminded_on = models.DateField(null=True, blank=True)
    created_on = models.DateField(auto_now_add=True)
    updated_on = models.DateField(auto_now=True)

    class Meta:
        ordering = ["-updated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="measure_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closed(self) -> bool:
        return self.status in (MeasureStatus.DONE, MeasureStatus.REJECTED)


class MeasureUpdate(TenantModel):
    """One entry in a measure's log: a status or progress change and a note."""

    personal_data = NO_PERSONAL_DATA

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates")
    author = user_reference()
    status = models.CharField(max_length=20, choices=MeasureStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measure} – {self.status}"


class CycleCheck(KeyedTenantModel):
    """A unit's yearly participation checklist (items not derivable from data are ticked here)."""

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference()
    year = models.PositiveSmallIntegerField()
    council_met = models.BooleanField(_("the user council has met"), default=False)
    minorities_mapped = models.BooleanField(_("who can voice minorities' views is mapped"), default=False)
    report_published = models.BooleanField(_("the participation report is published"), default=False)
    # The day the unit's leaders were last reminded of items behind schedule.
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            tenant_unique("unit", "year", name="cyclecheck_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class ComparisonGrant(KeyedTenantModel):
    """This municipality lets ``partner``'s staff compare its aggregated participation figures.

    Granted one way, for municipalities that plan to merge or work together: only the yearly
    figures of the comparison report are shared, never activities, minutes or people.
    """

    personal_data = NO_PERSONAL_DATA

    partner = models.ForeignKey(
        "orgs.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("shared with")
    )
    granted_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            tenant_unique("partner", name="comparisongrant_unique"),
            models.CheckConstraint(
                condition=~models.Q(municipality=models.F("partner")), name="comparisongrant_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} → {self.partner}"


class ActivityUnit(KeyedTenantModel):
    """One unit an activity concerns; the link row carries the municipality key like every
    tenant-owned table, so it is sharded with the activity (docs/scaling.md)."""

    personal_data = NO_PERSONAL_DATA

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    orgunit = unit_reference(on_delete=models.CASCADE)

    class Meta:
        db_table = "participation_activity_units"
        constraints = [tenant_unique("activity", "orgunit", name="activityunit_unique")]
