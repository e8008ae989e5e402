"""Surveys, the units they run in, responses and long-form answers (see docs/adr/0001)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import BASIS_PUBLIC_TASK, NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique

# The legal basis of a survey response, received or stored: background answers are special
# categories (GDPR art. 9).
BASIS_RESPONSES = _(
    "GDPR art. 6(1)(e): the municipality's tasks (kommuneloven, brukermedvirkning) and art. "
    "9(2)(g) for background"
)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AnsweredBy(models.TextChoices):
    """Who answers a survey: the service's users themselves, or parents or relatives for them."""

    USERS = "users", _("The users themselves")
    RELATIVES = "relatives", _("Parents or relatives, for the users")


class AnonymityMode(models.TextChoices):
    AGGREGATE_ONLY = "aggregate_only", _("Anonymous, only aggregated results leave Medvirk")
    ANONYMOUS = "anonymous", _("Anonymous, response-level export allowed")


class Survey(KeyedTenantModel):
    """One survey round (e.g. the 2026 kindergarten parent survey) run in one or more units."""

    personal_data = NO_PERSONAL_DATA
    #: Not a column: the languages respondents are offered, kept for one request
    #: (``answering.views.offered``).
    _offered_languages: list[str]

    title = models.JSONField(_("title"), default=dict)
    series = models.SlugField(
        _("series"),
        max_length=64,
        help_text=_("Rounds in the same series are compared year to year, e.g. the question bank key."),
    )
    round_label = models.CharField(_("round"), max_length=32, help_text=_("For example 2026."))
    template_key = models.CharField(max_length=64, blank=True)
    definition = models.JSONField(default=dict)
    definition_version = models.PositiveIntegerField(default=1)
    owner_unit = unit_reference(related_name="owned_surveys", verbose_name=_("owner unit"))
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    closes_on = models.DateField(_("closes"), null=True, blank=True)
    anonymity_mode = models.CharField(
        max_length=20, choices=AnonymityMode.choices, default=AnonymityMode.AGGREGATE_ONLY
    )
    threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"), default=5, help_text=_("Never below the municipality's threshold.")
    )
    created_on = models.DateField(auto_now_add=True)
    # Who the survey is for (its target group): the equity report compares the respondents with
    # these people (``insights.equity``). Ages are the bounds of standard age bands
    # (``surveys.design.target``); empty: no bound. Set from the bank template's service area when
    # the round is made from the bank; the analyst may change them.
    target_age_from = models.PositiveSmallIntegerField(_("target group from age"), null=True, blank=True)
    target_age_to = models.PositiveSmallIntegerField(_("target group to age"), null=True, blank=True)
    answered_by = models.CharField(
        _("who answers"), max_length=10, choices=AnsweredBy.choices, default=AnsweredBy.USERS
    )
    # Languages a designer published although texts are missing there: respondents get the first
    # language's text instead, marked with its own ``lang`` and ``dir`` (``design/readiness.py``).
    fallback_languages = models.JSONField(default=list, blank=True)
    # Bumped whenever the set of complete responses changes other than by a new complete response
    # being inserted: an older response completed (multi-page answering) or a complete one
    # deleted. Together with the highest complete response id it identifies the round's data
    # (results cache freshness: ``insights.disclosure.state_for``) without counting responses.
    responses_revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [
            tenant_unique("series", "round_label", name="survey_unique_round"),
        ]

    def __str__(self) -> str:
        """The title in the page's language where the survey has one (a nynorsk page names the
        round "Foreldreundersøking", not bokmål's "Foreldreundersøkelse"), else in bokmål."""
        titles = self.title or {}
        return (
            titles.get(get_language() or "nb")
            or titles.get("nb")
            or next(iter(titles.values()), "")
            or f"Survey {self.pk}"
        )


class SurveyUnit(KeyedTenantModel):
    """A unit a survey runs in, with its public link key and known number of users."""

    personal_data = NO_PERSONAL_DATA

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_units")
    unit = unit_reference(related_name="survey_units")
    link_key = models.CharField(max_length=24, unique=True)
    user_count = models.PositiveIntegerField(_("number of users"), null=True, blank=True)
    # The unit's own questions (definition format, keys "local_<unit id>_<n>"), asked only here
    # in a section after the survey's own; removed ones stay with "hidden" (see surveys/local.py).
    local_questions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["unit__path"]
        constraints = [
            tenant_unique("survey", "unit", name="surveyunit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.unit}"


class ClosedTreeUnit(KeyedTenantModel):
    """A unit of a closed round's tree (one of its units or above one), where it stood at the close.

    A closed round's figures are final (``design.services.survey_set_status``). Worked out on
    today's organisation tree, a unit moved after the close took its answers from its old
    district to its new one, so the old district's figures moved by exactly the moved unit's and
    its leader, who had read the district before, could read the neighbour the anonymity
    decision hid (red team 5). The round's results, exports, API and equity report read the tree
    kept here (``round_tree.round_tree_units``).
    """

    personal_data = NO_PERSONAL_DATA

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="closed_tree")
    unit = unit_reference()
    parent_id_at_close = models.PositiveIntegerField(null=True, blank=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    is_survey_unit = models.BooleanField(default=False)

    class Meta:
        constraints = [
            tenant_unique("survey", "unit", name="closedtreeunit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.unit_id} ({self.path})"


class SurveyQuestion(KeyedTenantModel):
    """Registry row giving a question key a stable id; never deleted, only hidden."""

    personal_data = NO_PERSONAL_DATA

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="registry_questions")
    key = models.CharField(max_length=63)
    qtype = models.CharField(max_length=20)
    dimension = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)
    # The last day the wording of the question changed after it had answers (results mark it;
    # every such change is also in the audit log with its date).
    reworded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            tenant_unique("survey", "key", name="surveyquestion_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class SurveyOption(KeyedTenantModel):
    """Registry row giving an option key (or scale value) a stable id."""

    personal_data = NO_PERSONAL_DATA

    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            tenant_unique("question", "key", name="surveyoption_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Channel(models.TextChoices):
    LINK = "link", _("Open link")
    KIOSK = "kiosk", _("Kiosk")
    CODE = "code", _("Single-use code")
    EMAIL = "email", _("E-mail invitation")
    PAPER = "paper", _("Paper form")
    API = "api", _("API")


# Background dimension key → column on ``Response`` (see docs/adr/0001); the one definition.
BG_FIELDS = {
    "age_band": "bg_age_band",
    "gender": "bg_gender",
    "district": "bg_district",
    "home_language": "bg_home_language",
    "immigrant_background": "bg_immigrant_background",
    "functional_impairment": "bg_functional_impairment",
}


class BackgroundColumns(models.Model):
    """The background columns of a response, stored or still being received (``BG_FIELDS``)."""

    bg_age_band = models.CharField(max_length=32, blank=True)
    bg_gender = models.CharField(max_length=32, blank=True)
    bg_district = models.CharField(max_length=32, blank=True)
    bg_home_language = models.CharField(max_length=32, blank=True)
    bg_immigrant_background = models.CharField(max_length=32, blank=True)
    bg_functional_impairment = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class Response(BackgroundColumns, KeyedTenantModel):
    """One respondent's answers. Dates only, no IP address, no user agent (anonymity)."""

    personal_data = PersonalData(
        table=_("survey responses"),
        data=_(
            "a respondent's answers with background (age band, gender, district, home language, "
            "immigrant background, impairment), dates only; no name, address or IP address"
        ),
        subjects=_("service users and relatives who answer surveys"),
        purpose=_(
            "hear service users and show whether services are equitable; published only as figures "
            "from at least the anonymity threshold"
        ),
        retention=_("as long as the survey round is kept (answers cannot be traced back to a person)"),
        seen_by=_(
            "staff with results rights on the unit, as figures under the anonymity threshold; "
            "response-level exports only for anonymous-export surveys"
        ),
        legal_basis=BASIS_RESPONSES,
        special=True,
        pseudonymous=True,
    )

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = unit_reference()
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    complete = models.BooleanField(default=False)
    created_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64)
    resume_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    invitation = models.ForeignKey(
        "surveys.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            tenant_unique("survey", "idempotency_key", name="response_unique_idempotency"),
        ]
        indexes = [
            # Complete responses only (every reader of these counts filters complete=True).
            # Covering the background columns, this is what the anonymity decision and the
            # results pages count respondents from: an index-only scan, no table lookups
            # (``complete`` is repeated as the last column so SQLite sees the index as covering).
            # The municipality leads: every read names it (docs/scaling.md), and without it in
            # the index the scan would have to visit the table for it.
            models.Index(
                fields=["municipality", "survey", "unit", *BG_FIELDS.values(), "complete"],
                condition=models.Q(complete=True),
                name="surveys_resp_complete_bg",
            ),
            # The highest complete response id of a survey in one index probe (cache freshness).
            models.Index(
                fields=["municipality", "survey", "id"],
                condition=models.Q(complete=True),
                name="surveys_resp_complete_last",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class Answer(TenantModel):
    """One answer in long form; ``survey`` and ``unit`` are copied from the response for fast GROUP BY."""

    personal_data = PersonalData(
        table=_("answers to questions"),
        data=_(
            "one answer of a response, including free text (masked for e-mail, phone and national "
            "identity numbers when shown)"
        ),
        subjects=_("service users and relatives who answer surveys"),
        purpose=_("the survey's results"),
        retention=_("as long as the survey round is kept"),
        seen_by=_("staff with results rights, as figures and free text from at least the text threshold"),
        legal_basis=BASIS_PUBLIC_TASK,
        pseudonymous=True,
    )

    # Single-column indexes on municipality, survey, question and option would be written for every
    # answer row but never used: the composite indexes below lead with survey, and questions and
    # options are never deleted (only hidden). unit and response keep theirs (PROTECT/CASCADE lookups).
    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = unit_reference()
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    option = models.ForeignKey(
        SurveyOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    value_num = models.FloatField(null=True, blank=True)
    value_text = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["survey", "question", "option"]),
            models.Index(fields=["survey", "unit", "question"]),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class ReceivedResponse(BackgroundColumns, TenantModel):
    """A whole response received through a public link, acknowledged but not yet in long form.

    The public API stores a validated response as this one row (its answer rows as JSON) and
    answers at once; the job worker expands it into a ``Response`` and its ``Answer`` rows in
    batches (``answering.answer_store.expand_received``) and deletes it in the same transaction.
    Nothing reads it but that expansion and the idempotency check: results, exports, the API
    and every count see a response only once it is expanded (bench/submit, issue 21).
    """

    personal_data = PersonalData(
        table=_("survey responses being stored"),
        data=_(
            "a respondent's answers with background as received, for the seconds until they are "
            "stored as a survey response; no name, address or IP address"
        ),
        subjects=_("service users and relatives who answer surveys"),
        purpose=_("store answers that arrive at once quickly, without losing or doubling any"),
        retention=_("seconds: deleted when stored as a survey response"),
        seen_by=_("nobody; it is never shown, counted or exported"),
        legal_basis=BASIS_RESPONSES,
        special=True,
        pseudonymous=True,
    )

    # No single-column indexes: every row is written once and deleted seconds later, the table
    # stays small, and the rare deletes of a survey or unit may scan it.
    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", db_index=False)
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_on = models.DateField()
    idempotency_key = models.CharField(max_length=64)
    #: The answer rows as a JSON array of [question id, option id, number, text], in order.
    answers = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "survey", "idempotency_key"], name="received_unique_idempotency"
            ),
        ]

    def __str__(self) -> str:
        return f"Received response {self.pk}"


class AccessCode(TenantModel):
    """A single-use code printed on a letter or paper form; it opens exactly one response."""

    personal_data = NO_PERSONAL_DATA

    survey_unit = models.ForeignKey(SurveyUnit, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16, unique=True)
    batch = models.PositiveIntegerField(default=1)
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "code"]

    def __str__(self) -> str:
        return self.code


class Invitation(TenantModel):
    """A personal e-mail invitation. The response is unlinked from it when submitted."""

    personal_data = PersonalData(
        table=_("e-mail invitations"),
        data=_(
            "the e-mail address an invitation and its reminders were sent to, and whether it was "
            "answered (never which answers)"
        ),
        subjects=_("people invited to answer a survey"),
        purpose=_("send personal invitations and reminders"),
        retention="surveys.invitations",
        seen_by=_("staff who distribute the survey in the unit"),
        legal_basis=BASIS_PUBLIC_TASK,
    )

    survey_unit = models.ForeignKey(SurveyUnit, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True)  # blanked after the retention period (core.retention)
    language = models.CharField(max_length=10, blank=True)  # of the invitation and its reminders
    token_hash = models.CharField(max_length=64, unique=True)
    sent_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            tenant_unique(
                "survey_unit", "email", name="invitation_unique_email", condition=~models.Q(email="")
            ),
        ]

    def __str__(self) -> str:
        return self.email
