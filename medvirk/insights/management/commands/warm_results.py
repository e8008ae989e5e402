"""Work out the anonymity decisions of survey rounds ahead of time, so results pages open fast.

The decisions (medvirk.insights.disclosure) are kept in the shared ``disclosure`` cache per data
version. Run once after a round closes, or with ``--watch SECONDS`` as an always-on process that
re-decides open rounds shortly after new answers arrive (``bin/demo`` runs it so). An open round
is decided only as far as its pages show it: its respondent counts, no question
(``SurveyDisclosure.decide``; on the demo's open round 38 → 17 queries and 37–46 s → 0.2–0.5 s). A pass over
rounds whose data did not change costs one index probe and a few cache reads per round. Pages
never decide: without it, a visitor after new answers sees the previous figures marked "being
updated" (or, for a round's first answers, a progress page) while a background job decides.

Then it makes the national benchmark of every round of a question-bank template in every
language of the site (``insights.benchmark``: pooled once per template and round for every
municipality's current answers, then decided for each round), again only where answers came in
somewhere.

For closed rounds it then makes the equity reports of the municipality and the districts the
round ran in, in every language of the site (``insights.equity_ahead``), again only where the
answers or the population data changed since they were made.

Then it lays out the report PDFs of the round's units in every language of the site
(``insights.pdf.warm``): a closed round's once per data version; an open round has none, since
it shows no figures (``insights.release``) (``settings.REPORTS_AHEAD = False``: not at all).

A round that another process decides at the moment (a job a page started) is passed over until
the next pass (``disclosure.deciding``): never decided twice side by side. With ``--watch`` it
runs at a lower CPU priority (nice +10) than the web server, whose requests come first, and
says so in the shared cache on every pass and question (``disclosure.watcher_seen``): pages
showing earlier decisions "being updated" then ask the job worker for nothing (it decided the
same answers again at full priority; bench/mixed, issue 21).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from medvirk.core.actors import SystemActor
from medvirk.insights import benchmark, equity_ahead, pdf
from medvirk.insights.disclosure import deciding, watcher_seen
from medvirk.insights.tables import SurveyResults
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import Survey, SurveyStatus

logger = logging.getLogger(__name__)

#: Seconds one pass spends laying out one round's PDFs; the next pass goes on where it stopped.
PDF_SECONDS_PER_ROUND = 60.0
#: How much ``--watch`` lowers its own CPU priority (nice), below the web server's workers.
WATCH_NICENESS = 10
WATCHER = SystemActor("warm_results, working out results ahead")


class Command(BaseCommand):
    help = "Work out the anonymity decisions of open and closed survey rounds (or --survey ID)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", type=int, action="append", help="only this survey (repeatable)")
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="keep running: look for rounds with new answers every SECONDS and decide them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["survey"]:
            status = dict(Survey.objects.filter(pk__in=options["survey"]).values_list("pk", "status"))
            missing = sorted(set(options["survey"]) - set(status))
            if missing:
                raise CommandError(f"No survey round {', '.join(map(str, missing))}.")
            drafts = sorted(pk for pk, s in status.items() if s == SurveyStatus.DRAFT)
            if drafts:  # a worker may name every round it knows; a draft has no answers to decide
                listed = ", ".join(map(str, drafts))
                self.stdout.write(f"Passed over draft {listed}: no answers to decide yet.")
        if options["watch"] is None:
            self.pass_once(options["survey"], quiet=False)
            return
        interval = self.watching = max(1.0, options["watch"])
        # Deciding a round with new answers takes this process a core for minutes; web requests
        # on the same host come first (bench/mixed, issue 21). Not below: it only lowers.
        os.nice(WATCH_NICENESS)
        while True:  # stopped by a signal, like db_worker
            close_old_connections()
            watcher_seen(interval)  # pages then leave the new answers' decisions to this process
            self.pass_once(options["survey"], quiet=True)
            time.sleep(interval)

    #: ``--watch``'s interval (seconds), None for a single pass.
    watching: float | None = None

    def _alive(self, done: int, total: int) -> None:
        """Say again, after each question decided, that the watcher runs (a round takes minutes)."""
        if self.watching is not None:
            watcher_seen(self.watching)

    def pass_once(self, only: list[int] | None, *, quiet: bool) -> None:
        # Responses received through public links wait for the job worker to store them; after a
        # worker died mid-task none may be queued: queue it (they then count from the next pass).
        survey_services.received_expand_later(actor=WATCHER)
        surveys = Survey.objects.exclude(status=SurveyStatus.DRAFT).order_by("pk")
        if only:
            surveys = surveys.filter(pk__in=only)
        languages = [code for code, _name in settings.LANGUAGES]
        versions: dict[tuple[str, str], str] = {}  # each template and round's national version, this pass

        def decide(survey: Survey) -> int | None:
            with deciding(survey, wait=False) as mine:
                if not mine:  # a job decides it now; the next pass looks again
                    if not quiet:
                        self.stdout.write(f"survey {survey.pk}: being decided by another process")
                    return None
                made = SurveyResults(survey).disclosure.decide(progress=self._alive)
            made += benchmark.warm(survey, languages, versions)
            if survey.status == SurveyStatus.CLOSED:
                made += equity_ahead.warm(survey, languages)
            return made

        def pdfs(survey: Survey) -> int:
            return pdf.warm(survey, languages, seconds=PDF_SECONDS_PER_ROUND)  # closed rounds only

        rounds = list(surveys)
        for survey in rounds:
            self._step(survey, decide, "decisions and reports", quiet=quiet)
        if settings.REPORTS_AHEAD:  # after every round's decisions: laying out never holds one up
            for survey in rounds:
                self._step(survey, pdfs, "report PDFs", quiet=quiet, always=False)

    def _step(self, survey: Survey, work: Any, what: str, *, quiet: bool, always: bool = True) -> None:
        start = time.perf_counter()
        try:
            made = work(survey)
        except Exception:
            if not quiet:
                raise
            logger.exception("Preparing survey %s failed", survey.pk)  # the next pass tries again
            return
        if made is None:  # passed over
            return
        if made or (always and not quiet):
            seconds = time.perf_counter() - start
            self.stdout.write(f"survey {survey.pk}: {made} {what}, {seconds:.1f} s")
