"""Work out the anonymity decisions of survey rounds ahead of time, so results pages open fast.

The decisions (medvirk.insights.disclosure) are kept in the shared ``disclosure`` cache per data
version, so this is worth running after a round closes and nightly for open rounds; `bin/demo`
runs it for the demo. Pages work without it: the first visitor then waits for the decision.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from medvirk.insights.tables import SurveyResults
from medvirk.surveys.models import Survey, SurveyStatus


class Command(BaseCommand):
    help = "Work out the anonymity decisions of open and closed survey rounds (or --survey ID)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", type=int, action="append", help="only this survey (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.exclude(status=SurveyStatus.DRAFT).order_by("pk")
        if options["survey"]:
            surveys = surveys.filter(pk__in=options["survey"])
        for survey in surveys:
            start = time.perf_counter()
            results = SurveyResults(survey)
            results.disclosure.warm(q.id for q in results.questions)
            self.stdout.write(f"survey {survey.pk}: {time.perf_counter() - start:.1f} s")
