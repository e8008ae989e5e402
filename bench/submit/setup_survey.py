"""Create an open kindergarten-parents survey (bank template) for the benchmarks.

Prints one JSON line: link keys, survey id, a valid 25-answer payload (as the API takes it),
the number of answer rows one response stores, an admin API token and an admin session cookie.
Run with the same environment as the server (DJANGO_SETTINGS_MODULE, DATABASE_URL, SECRET_KEY).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from medvirk.accounts.demo import load_demo  # noqa: E402
from medvirk.accounts.services import token_create  # noqa: E402
from medvirk.orgs.models import ServiceArea  # noqa: E402
from medvirk.surveys import services  # noqa: E402
from medvirk.surveys.answering import engine  # noqa: E402
from medvirk.surveys.models import SurveyUnit  # noqa: E402
from medvirk.surveys.selectors import load_template  # noqa: E402
from medvirk.surveys.types import QType, Question, parse_definition  # noqa: E402

TEMPLATE = "kindergarten_parents"


def _value(q: Question, districts: list[str]) -> Any:
    """A valid answer for one question; ratings take scale minimum + 1 so follow-ups show."""
    if q.type == QType.MULTIPLE:
        return [next(o.key for o in q.options if not o.hidden)]
    if q.type == QType.SINGLE:
        return next(o.key for o in q.options if not o.hidden)
    if q.type == QType.BACKGROUND:
        return engine.background_keys(q, districts)[0]
    if q.type == QType.RATING:
        return q.scale.min + 1  # type: ignore[union-attr]
    if q.type == QType.NPS:
        return 8
    if q.type == QType.NUMBER:
        return q.min if q.min is not None else 3
    if q.type == QType.DATE:
        return dt.date(2026, 5, 1).isoformat()
    if q.type == QType.CONSENT:
        return True
    return "Personalet er flinke, men garderoben er trang. Æ Ø Å – takk!"


def build_payload(definition: Any, districts: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in definition.questions(include_rows=False):
        if q.hidden:
            continue
        if q.type == QType.MATRIX:
            for row in q.rows:
                answers[row.key] = q.scale.min + 1
        else:
            answers[q.key] = _value(q, districts)
    _s, _v, effective = engine.visible_answers(
        definition, {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}
    )
    return {k: answers[k] for k in effective}


def main() -> None:
    data = load_demo()
    admin = data.users["admin"]
    root = data.units[""]
    units = [u for name, u in data.units.items() if name and u.service_area == ServiceArea.KINDERGARTEN]
    survey = services.survey_create(
        actor=admin,
        owner_unit=root,
        document=load_template(TEMPLATE).to_dict(),
        units=units,
        round_label=f"bench-{secrets.token_hex(4)}",
    )
    services.survey_set_status(actor=admin, survey=survey, status="open")
    definition = parse_definition(survey.definition)
    districts = services.district_codes(municipality_id=survey.municipality_id)
    answers = build_payload(definition, districts)
    rows = sum(len(v) if isinstance(v, list) else 1 for v in answers.values())
    _token, key = token_create(actor=admin, name=f"bench {secrets.token_hex(4)}")
    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    print(
        json.dumps(
            {
                "survey_id": survey.pk,
                "link_keys": list(
                    SurveyUnit.objects.filter(survey=survey).order_by("pk").values_list("link_key", flat=True)
                ),
                "answers": answers,
                "answer_count": len(answers),
                "answer_rows": rows,
                "token": key,
                "session": session.session_key,
            }
        )
    )


if __name__ == "__main__":
    main()
