"""The staff home page: what needs doing now, for the role the user holds.

Each section reads one app's selectors (read-only) and only what the user may see there. Answer
counts come from the results' own anonymity decision (``insights.selectors.round_progress``), so
the home page never shows a count the results page hides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can, can_anywhere
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.choice import selectors as choice_selectors
from medvirk.insights import selectors as insights_selectors
from medvirk.orgs.models import OrgUnit
from medvirk.panels import selectors as panels_selectors
from medvirk.participation import selectors as participation_selectors
from medvirk.partners import selectors as partners_selectors
from medvirk.population import selectors as population_selectors
from medvirk.surveys import selectors as survey_selectors
from medvirk.surveys.models import Survey, SurveyStatus

MAX_ROUNDS = 5  # open rounds shown (closing soonest first); the survey list has the rest
MAX_MEASURES = 5
MAX_RESULTS = 3  # the newest closed rounds with results, one per survey series
CLOSING_SOON_DAYS = 7  # a round closing within a week ...
LOW_RATE = 0.5  # ... with fewer than half answered gets a warning and a link to send reminders
MEASURES_WITHIN_DAYS = 14


@dataclass(frozen=True)
class OpenRound:
    survey: Survey
    url: str
    distribute_url: str | None
    progress: insights_selectors.RoundProgress | None
    days_left: int | None

    @property
    def low_rate_closing(self) -> bool:
        rate = self.progress.rate if self.progress else None
        closing = self.days_left is not None and self.days_left <= CLOSING_SOON_DAYS
        return closing and rate is not None and rate < LOW_RATE


@dataclass(frozen=True)
class ChecklistItem:
    label: Any
    done: bool
    url: str


@dataclass
class Home:
    rounds: list[OpenRound] = field(default_factory=list)
    rounds_more: int = 0
    measures: list[Any] = field(default_factory=list)
    measures_more: int = 0
    proposals: int = 0
    panels: list[tuple[Any, int]] = field(default_factory=list)
    cycle: participation_selectors.CycleStep | None = None
    checklist: list[ChecklistItem] = field(default_factory=list)
    providers: list[choice_selectors.ProviderOverview] = field(default_factory=list)
    results: list[tuple[Survey, str]] = field(default_factory=list)  # latest rounds with results

    @property
    def closing_with_few_answers(self) -> list[OpenRound]:
        return [r for r in self.rounds if r.low_rate_closing]

    @property
    def nothing_to_do(self) -> bool:
        arrivals = [p for p in self.providers if p.arriving or p.leaving]
        todo = (self.closing_with_few_answers, self.measures, self.proposals, self.panels, self.cycle)
        return not any(todo) and not arrivals


def _rounds(user: Any, today: datetime.date) -> tuple[list[OpenRound], int]:
    surveys = list(survey_selectors.open_rounds_for(user)[: MAX_ROUNDS + 1])
    shown = [s.pk for s in surveys[:MAX_ROUNDS]]
    distributes = set(survey_selectors.surveys_for(user).filter(pk__in=shown).values_list("pk", flat=True))
    rounds = []
    for survey in surveys[:MAX_ROUNDS]:
        progress = insights_selectors.round_progress(user=user, survey=survey)
        distribute = survey.pk in distributes
        days_left = (survey.closes_on - today).days if survey.closes_on else None
        results_url = reverse("insights:survey_results", args=[survey.pk])
        detail_url = reverse("surveys:detail", args=[survey.pk])
        rounds.append(
            OpenRound(
                survey,
                results_url if progress is not None else detail_url,
                detail_url if distribute or progress is None else None,
                progress,
                days_left,
            )
        )
    more = survey_selectors.open_rounds_for(user).count() - MAX_ROUNDS if len(surveys) > MAX_ROUNDS else 0
    return rounds, more


def _checklist(user: Any) -> list[ChecklistItem]:
    """A new municipality's first steps, for its administrators; empty once all are done."""
    root = OrgUnit.objects.filter(municipality_id=user.municipality_id, parent__isnull=True).first()
    if root is None or not can(user, Perm.ORG_MANAGE, root):
        return []
    items = [
        ChecklistItem(
            _("Build the organisation: districts, agencies and units"),
            OrgUnit.objects.filter(municipality_id=user.municipality_id, parent__isnull=False).exists(),
            reverse("orgs:unit_create"),
        ),
        ChecklistItem(
            _("Give colleagues access"),
            User.objects.filter(municipality_id=user.municipality_id).exclude(pk=user.pk).exists(),
            reverse("accounts:user_create"),
        ),
        ChecklistItem(
            _("Import population data from Statistics Norway"),
            population_selectors.tables_for(municipality=user.municipality).exists(),
            reverse("population:table_import"),
        ),
        ChecklistItem(
            _("Create the first survey"),
            Survey.objects.filter(municipality_id=user.municipality_id).exists(),
            reverse("surveys:create"),
        ),
    ]
    return [] if all(item.done for item in items) else items


def home_for(user: Any, *, today: datetime.date) -> Home:
    """Return what needs doing now for ``user``, section by section."""
    home = Home()
    home.rounds, home.rounds_more = _rounds(user, today)
    if can_anywhere(user, Perm.PARTICIPATION_MANAGE):
        due = participation_selectors.measures_due(user, today=today, within_days=MEASURES_WITHIN_DAYS)
        home.measures = list(due[: MAX_MEASURES + 1])
        if len(home.measures) > MAX_MEASURES:
            home.measures_more = due.count() - MAX_MEASURES
            home.measures = home.measures[:MAX_MEASURES]
        home.cycle = participation_selectors.cycle_next_step(user, today=today)
    if can_anywhere(user, Perm.PARTNERS_MANAGE):
        home.proposals = partners_selectors.pending_proposals(municipality_id=user.municipality_id).count()
    if can_anywhere(user, Perm.PANELS_MANAGE):
        home.panels = panels_selectors.panels_to_finish(user.municipality_id)
    home.checklist = _checklist(user)
    if can_anywhere(user, Perm.CHOICE_CLIENTS) and not can_anywhere(user, Perm.CHOICE_SETUP):
        # Provider staff (whoever keeps the providers has the choice pages for all of them).
        home.providers = _provider_home(user, today)
    home.results = _latest_results(user)
    return home


def _provider_home(user: Any, today: datetime.date) -> list[Any]:
    """A provider's staff: their provider's clients now and soon.

    Provider staff hold no municipal role, so the sections above are mostly empty for them; what
    they need is who they serve (and, as everyone, what their users said: ``_latest_results``).
    """
    providers = choice_selectors.providers_for(user=user, perm=Perm.CHOICE_CLIENTS)
    return [choice_selectors.provider_overview(provider=p, today=today) for p in providers[:MAX_ROUNDS]]


def _latest_results(user: Any) -> list[tuple[Survey, str]]:
    """The newest closed round of each survey the user may read results of, newest first.

    A unit leader's first question is "what did our users say?": the home page links straight to
    it (the results page opens on the leader's own unit), where before only provider staff had the
    link and a leader had to find it under "Surveys and results".
    """
    closed = [
        s for s in insights_selectors.surveys_with_results(user=user) if s.status == SurveyStatus.CLOSED
    ]
    closed.sort(key=lambda s: (s.closes_on or s.created_on, s.pk), reverse=True)
    newest: dict[str, Survey] = {}
    for survey in closed:
        newest.setdefault(survey.series or f"survey-{survey.pk}", survey)
    return [(s, reverse("insights:survey_results", args=[s.pk])) for s in list(newest.values())[:MAX_RESULTS]]
