"""Set up bench/mixed on a seeded demo database; print one JSON line for run.py.

The demo's open round with the most answers (staff browse it while respondents answer it), a
valid whole response to it, its poster links, the closed round whose equity report staff read,
the units the pages show, a population sample, and one session per staff reader (the analyst of
the whole municipality). Run with the server's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL…).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "submit"))

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from setup_survey import build_payload  # noqa: E402

from medvirk.accounts.models import User  # noqa: E402
from medvirk.insights import equity  # noqa: E402
from medvirk.orgs.models import OrgUnit  # noqa: E402
from medvirk.surveys import services  # noqa: E402
from medvirk.surveys.models import Survey, SurveyUnit  # noqa: E402
from medvirk.surveys.types import parse_definition  # noqa: E402


def open_round() -> tuple[OrgUnit, Survey, list[SurveyUnit], OrgUnit]:
    """Return the demo municipality's top unit, its open round with the most answers (with its
    ``n`` of complete responses), the round's units and a kindergarten (no units below it)."""
    root = OrgUnit.objects.get(parent__isnull=True, municipality__name="Eksempel kommune")
    survey = (
        Survey.objects.filter(municipality_id=root.municipality_id, status="open")
        .annotate(n=Count("responses", filter=Q(responses__complete=True)))
        .order_by("-n", "pk")
        .first()
    )
    assert survey is not None, "the demo has an open round"
    sus = list(SurveyUnit.objects.filter(survey=survey).select_related("unit").order_by("pk"))
    unit = max(sus, key=lambda su: su.unit.path.count("/")).unit  # a unit without units below
    return root, survey, sus, unit


def main() -> None:
    staff = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    call_command("load_population_sample", stdout=open("/dev/null", "w"))  # noqa: SIM115
    root, survey, sus, unit = open_round()
    closed = next(iter(equity.surveys_for_unit(root)))
    # a district: a unit below the municipality with units below it (issue 21's crosstab)
    district = next(u for u in OrgUnit.objects.filter(parent=root).order_by("pk") if u.children.exists())
    definition = parse_definition(survey.definition)
    rating = next(q.key for q in definition.questions(include_rows=False) if q.type == "rating")
    answers = build_payload(definition, services.district_codes(municipality_id=survey.municipality_id))
    user = User.objects.get(username="analytiker")
    sessions = []
    for _ in range(staff):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    print(
        json.dumps(
            {
                "survey_id": survey.pk,
                "responses": survey.n,
                "closed_id": closed.pk,
                "root": root.pk,
                "unit": unit.pk,
                "district": district.pk,
                "unit_name": unit.name,
                "question": rating,
                "link_keys": [su.link_key for su in sus],
                "answers": answers,
                "sessions": sessions,
            }
        )
    )


if __name__ == "__main__":
    main()
