"""Client feedback (KOR/FIT) and "Hva er viktig for deg?" conversations.

Health data (special category, GDPR art. 9): episodes, sessions, ratings and goals are read only
by the practitioners on the episode (``EpisodeMember``), every read is audited, contact details
are encrypted (``crypto.EncryptedTextField``), and closed episodes are anonymised after the unit's
retention period (``purge_feedback``). See docs/security.md and docs/dpia-feedback.md.
"""

from __future__ import annotations

import uuid
from functools import cached_property, partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.crypto import EncryptedTextField
from medvirk.core.dataprotection import NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique

from .instruments import Instrument as InstrumentDefinition
from .instruments import parse_instrument, with_texts

# The record of processing (core.dataprotection): what the tables of a client's episode share.
# They are kept (then anonymised) with the episode and read only by its practitioners.
_episode_record = partial(
    PersonalData,
    retention="feedback.episodes",  # feedback/retention.py
    seen_by=_("the practitioners on the episode"),
    legal_basis=_("GDPR art. 9(2)(h)"),
    special=True,
)
_goal_record = partial(_episode_record, subjects=_("clients"), purpose=_("the client's own goals"))


class Purpose(models.TextChoices):
    OUTCOME = "outcome", _("Outcome (how things are going)")
    ALLIANCE = "alliance", _("Session feedback (how the session went)")


class Instrument(KeyedTenantModel):
    """A municipality's copy of an instrument definition, with any texts its licence holder pasted."""

    personal_data = NO_PERSONAL_DATA

    key = models.CharField(_("key"), max_length=40)
    version = models.CharField(_("version"), max_length=20, default="1")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    definition = models.JSONField(_("definition"))
    texts = models.JSONField(_("pasted texts"), default=dict, blank=True)  # {version: {lang: {key: text}}}
    texts_by = user_reference(blank=True)
    texts_at = models.DateTimeField(null=True, blank=True)
    loaded_by = user_reference(blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "version"]
        verbose_name = _("instrument")
        constraints = [tenant_unique("key", "version", name="feedback_instrument_unique")]

    def __str__(self) -> str:
        return self.parsed.name.get("nb") or self.parsed.name.get("en") or self.key

    @cached_property
    def parsed(self) -> InstrumentDefinition:
        """Return the definition with the pasted texts merged in."""
        return with_texts(parse_instrument(self.definition), self.texts or {})


class Service(KeyedTenantModel):
    """A service that works with client feedback (a Stangehjelpa), run by one unit."""

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference(verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=150)
    outcome = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("outcome measure")
    )
    alliance = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session feedback"),
    )
    goals = models.BooleanField(_("goals in the client's words"), default=True)
    link_hours = models.PositiveSmallIntegerField(
        _("client links valid for (hours after the session)"), default=24
    )
    no_change_after = models.PositiveSmallIntegerField(_("alert when no change after (sessions)"), default=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feedback service")
        constraints = [tenant_unique("unit", "name", name="feedback_service_unique")]

    def __str__(self) -> str:
        return self.name


class EpisodeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class EndReason(models.TextChoices):
    PLANNED = "planned", _("Planned end")
    DROPOUT = "dropout", _("Dropped out")
    OTHER = "other", _("Other ending (moved, referred on)")


class Episode(KeyedTenantModel):
    """One client's course of sessions with a service. Never a national ID number: an alias and a birth year.

    The figures the dashboard counts (intake and last score, change category, mean alliance) are
    stored when the episode closes, so the dashboard is one GROUP BY and they survive anonymisation.
    """

    personal_data = _episode_record(
        table=_("episodes"),  # Django's plural of the translated "episode" would be "forløps"
        data=_("a client's alias, birth year, background, contact details (encrypted), scores per session"),
        subjects=_("clients of health and care services"),
        purpose=_(
            "feedback-informed treatment: follow the client's own course; equity statistics in aggregate"
        ),
        seen_by=_("only the practitioners on the episode (every read is logged); aggregates for leaders"),
        legal_basis=_("GDPR art. 6(1)(e) and art. 9(2)(h): helse- og omsorgstjenesteloven"),
    )

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="episodes")
    unit = unit_reference()  # the service's
    alias = models.CharField(_("alias"), max_length=60)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    age_version = models.CharField(max_length=20)
    # Optional background, for "do all groups benefit equally?" ("" = not stated).
    gender = models.CharField(_("gender"), max_length=30, blank=True)
    immigrant_background = models.CharField(_("immigrant background"), max_length=40, blank=True)
    home_language = models.CharField(_("language spoken at home"), max_length=40, blank=True)
    age_band = models.CharField(_("age group"), max_length=10, blank=True)
    language = models.CharField(_("the client's language"), max_length=12, default="nb")
    contact_email = EncryptedTextField(_("e-mail for links"), blank=True)
    contact_phone = EncryptedTextField(_("mobile number for links"), blank=True)
    status = models.CharField(max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN)
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    end_reason = models.CharField(_("how it ended"), max_length=10, choices=EndReason.choices, blank=True)
    created_by = user_reference()
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Stored at close (see services.episode_close): what the dashboard adds up.
    intake_score = models.FloatField(null=True, blank=True)
    last_score = models.FloatField(null=True, blank=True)
    rated_sessions = models.PositiveSmallIntegerField(default=0)
    change = models.CharField(max_length=15, blank=True)  # analysis.outcomes.Change, "" if not assessable
    alliance_mean = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("episode")
        indexes = [
            models.Index(fields=["municipality", "service", "status", "closed_on"], name="feedback_ep_dash"),
        ]

    def __str__(self) -> str:
        return self.alias or f"#{self.pk}"


class MemberRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible practitioner")
    TEAM = "team", _("Team member")


class EpisodeMember(KeyedTenantModel):
    """A practitioner on an episode: the only people who see its individual records."""

    personal_data = PersonalData(
        table=_("practitioners on an episode"),
        data=_("which practitioners are on a client's episode"),
        subjects=_("staff; clients indirectly"),
        purpose=_("decide who may read a client's record"),
        retention=_("as long as the episode is kept"),
        seen_by=_("the practitioners on the episode"),
        legal_basis=_("GDPR art. 6(1)(c): pasientjournalloven § 16"),
    )

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="members")
    # No index of its own: ``feedback_member_user`` (user, episode) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    role = models.CharField(max_length=12, choices=MemberRole.choices, default=MemberRole.TEAM)
    added_by = user_reference()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [tenant_unique("episode", "user", name="feedback_member_unique")]
        indexes = [models.Index(fields=["user", "episode"], name="feedback_member_user")]


class RaterKind(models.TextChoices):
    CLIENT = "client", _("The client")
    PARENT = "parent", _("Parent or carer")
    TEACHER = "teacher", _("Teacher")
    OTHER = "other", _("Someone else close to the client")


class Rater(TenantModel):
    """Who answers for an episode: the client, or a collateral rater (parent, teacher) with own links."""

    personal_data = _episode_record(
        table=_("other raters"),
        data=_("a collateral rater's label, language and contact details (encrypted)"),
        subjects=_("relatives or others who rate for a client"),
        purpose=_("send the rater's own links"),
        legal_basis=_("GDPR art. 6(1)(e) and art. 9(2)(h)"),
    )

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="raters")
    kind = models.CharField(max_length=10, choices=RaterKind.choices, default=RaterKind.CLIENT)
    label = models.CharField(_("name or role"), max_length=60, blank=True)
    language = models.CharField(max_length=12, default="nb")
    contact_email = EncryptedTextField(blank=True)
    contact_phone = EncryptedTextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]


class Session(KeyedTenantModel):
    """One meeting of the episode; number 1 is intake."""

    personal_data = _episode_record(
        table=_("sessions"),
        data=_("dates of a client's sessions"),
        subjects=_("clients of health and care services"),
        purpose=_("the client's course"),
    )

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("date"))
    created_by = user_reference()

    class Meta:
        ordering = ["number"]
        constraints = [tenant_unique("episode", "number", name="feedback_session_unique")]


class Mode(models.TextChoices):
    OWN_PHONE = "own_phone", _("On the client's own phone")
    TABLET = "tablet", _("On the practitioner's tablet")
    PAPER = "paper", _("Keyed in from paper")


class Rating(KeyedTenantModel):
    """One instrument answered by one rater at one session, with its total score."""

    personal_data = _episode_record(
        table=_("ratings"),
        data=_("a client's or rater's answers and scores"),
        subjects=_("clients and collateral raters"),
        purpose=_("feedback-informed treatment"),
        seen_by=_("the practitioners on the episode; scores without identity in aggregates"),
    )

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="ratings")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    answers = models.JSONField(default=dict)  # {item key: value}
    score = models.FloatField(null=True, blank=True)
    critical = models.JSONField(default=list, blank=True)  # flagged item keys answered above the minimum
    mode = models.CharField(max_length=10, choices=Mode.choices)
    language = models.CharField(max_length=12, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__number", "id"]
        constraints = [tenant_unique("session", "rater", "instrument", name="feedback_rating_unique")]


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    REACHED = "reached", _("Reached")
    DROPPED = "dropped", _("Set aside")


class Conversation(KeyedTenantModel):
    """A one-off "Hva er viktig for deg?" conversation in any unit, without an episode or an identity."""

    personal_data = PersonalData(
        table=_("“What matters to you?” conversations"),
        data=_("background of a service user in a 'What matters to you?' conversation (no identity)"),
        subjects=_("service users"),
        purpose=_("what matters to the unit's users, in aggregate"),
        retention="feedback.conversations",  # feedback/retention.py
        seen_by=_("the recording staff member; themes of at least 8 people for the unit"),
        legal_basis=_("GDPR art. 9(2)(h)"),
        special=True,
        pseudonymous=True,
    )

    unit = unit_reference(verbose_name=_("unit"))
    held_on = models.DateField(_("date"))
    recorded_by = user_reference()
    gender = models.CharField(max_length=30, blank=True)
    immigrant_background = models.CharField(max_length=40, blank=True)
    home_language = models.CharField(max_length=40, blank=True)
    age_band = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["municipality", "unit", "held_on"], name="feedback_conv_unit")]


class Goal(TenantModel):
    """What matters to the client, in their words: of an episode (rated each session) or of a conversation."""

    personal_data = _goal_record(table=_("client goals"), data=_("a client's goals in their own words"))

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="goals"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="goals"
    )
    text = models.CharField(_("goal in the client's words"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_on = models.DateField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(episode__isnull=True) ^ models.Q(conversation__isnull=True),
                name="feedback_goal_one_owner",
            )
        ]


class GoalRating(KeyedTenantModel):
    """Progress on one goal at one session, 0–10 with one decimal."""

    personal_data = _goal_record(table=_("progress on goals"), data=_("progress on a client's goal (0-10)"))

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="goal_ratings")
    value = models.FloatField()

    class Meta:
        constraints = [tenant_unique("goal", "session", name="feedback_goal_rating_unique")]


class ClientLink(TenantModel):
    """A link for one rater at one session: answer, then see their own graph and goals.

    Only the SHA-256 of the token is stored. The link stops working ``Service.link_hours`` after
    the session's date ends, when revoked, and when the episode closes.
    """

    personal_data = PersonalData(
        table=_("client links"),
        data=_("a hash of a client's link token, its language and when it was used"),
        subjects=_("clients"),
        purpose=_("let the client answer and see their own course"),
        retention=_("until it expires (24 hours by default) or the episode closes"),
        seen_by=_("nobody (the link's holder)"),
        legal_basis=_("GDPR art. 6(1)(e)"),
        pseudonymous=True,
    )

    token_hash = models.CharField(max_length=64, unique=True)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="links")
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="links")
    language = models.CharField(max_length=12, default="nb")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.OWN_PHONE)
    created_by = user_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class RetentionPolicy(KeyedTenantModel):
    """How long a unit keeps identifiable feedback records: the nearest policy up the tree applies."""

    personal_data = NO_PERSONAL_DATA

    unit = unit_reference(on_delete=models.CASCADE)
    months = models.PositiveSmallIntegerField(_("anonymise after (months)"))

    class Meta:
        constraints = [tenant_unique("unit", name="feedback_retention_unique")]


class TrajectoryFit(KeyedTenantModel):
    """Expected trajectories estimated from a service's own closed episodes (analysis.trajectories)."""

    personal_data = NO_PERSONAL_DATA

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fits")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+")
    age_version = models.CharField(max_length=20)
    model = models.JSONField()
    episodes = models.PositiveIntegerField()
    fitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [tenant_unique("service", "instrument", "age_version", name="feedback_fit_unique")]


class DataVersion(KeyedTenantModel):
    """A municipality's data version: figures worked out from the data are kept under ``token``.

    Every change to the data behind them (``signals.py``) raises ``revision`` and draws ``token``
    anew; figures are kept under the token, which, unlike a count, never comes back with other
    rows behind it (a rolled-back transaction, a restored backup). One row per municipality.
    """

    token = models.UUIDField(default=uuid.uuid4, editable=False)
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class DashboardVersion(DataVersion):
    """The version of a municipality's closed episodes: the outcome dashboard's figures are kept
    under it (``dashboard.py``), so a page finds them with one lookup instead of a GROUP BY; every
    save or deletion of a closed episode moves it (``signals.py``)."""

    personal_data = NO_PERSONAL_DATA

    class Meta:
        constraints = [tenant_unique(name="feedback_dashboard_version_unique")]


class ThemesVersion(DataVersion):
    """The version of a municipality's "What matters to you?" conversations and their goals:
    "what matters to our users" (``themes.py``) is kept under it, as the dashboard is under
    :class:`DashboardVersion`; every save or deletion of a conversation or of its goals moves it
    (``signals.py``)."""

    personal_data = NO_PERSONAL_DATA

    class Meta:
        constraints = [tenant_unique(name="feedback_themes_version_unique")]


class HalfYearTree(KeyedTenantModel):
    """The organisation tree (unit → parent) an ended half-year's figures are worked out on.

    Kept when the half-year's figures are first worked out (``halfyear_tree.kept_parents``), after
    it has ended: worked out on today's tree, a unit moved to another district afterwards took its
    clients and conversations along, so the old district's outcome and theme figures moved by
    exactly the moved unit's, and whoever had read the district before could subtract and read the
    neighbour the anonymity decision hid (red team 5, as for a closed survey round).
    """

    personal_data = NO_PERSONAL_DATA

    period = models.CharField(max_length=7)  # Period.key, "2026-1"
    parents = models.JSONField(default=dict)  # unit id (as text) → its parent's id, None at the top

    class Meta:
        constraints = [tenant_unique("period", name="feedback_halfyeartree_unique")]
