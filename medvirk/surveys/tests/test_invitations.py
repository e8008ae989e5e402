"""E-mail invitations and reminders in the invitee's language; respondent texts per language."""

from __future__ import annotations

import json
import re
import string
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.surveys.design.respondent_text import TEXTS
from medvirk.surveys.distribution import services as distribution
from medvirk.surveys.models import Invitation, Response, SurveyUnit
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_round

BASE = "https://medvirk.example"


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    document = sample_definition(languages=("nb", "en", "ar"))
    document["intro"] = {"nb": "Vi vil bli bedre.", "en": "We want to improve.", "ar": "نريد أن نتحسن."}
    return open_round(demo, document, "2026", "Solsikken barnehage")


def parse_link(body: str) -> str:
    found = re.search(r"https://medvirk\.example(/a/i/[^\s]+)", body)
    assert found is not None
    return found.group(1)


def test_parse_addresses_with_optional_language() -> None:
    valid, invalid = distribution.parse_addresses(
        "Ola@Example.no;ar\nkari@example.no, per@example.no; en\nnope;xx"
    )
    assert valid == [("ola@example.no", "ar"), ("kari@example.no", None), ("per@example.no", "en")]
    assert invalid == ["nope", "xx"]
    assert distribution.parse_emails("a@example.no; b@example.no") == (["a@example.no", "b@example.no"], [])


def test_batch_and_address_languages(
    su: SurveyUnit, demo: DemoData, django_capture_on_commit_callbacks: Any
) -> None:
    actor = demo.users["leder.solsikken"]
    # Red team 5: a title on two lines was a subject Django refuses (BadHeaderError), after the
    # invitations were stored: nobody got one. The subject is said on one line.
    su.survey.definition["title"]["en"] = "User\r\nsurvey"
    su.survey.save(update_fields=["definition"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = distribution.invitations_send(
            actor=actor,
            survey_unit=su,
            emails=[("ola@example.no", None), ("amal@example.no", "ar")],
            base_url=BASE,
            language="en",
        )
    assert sent == 2
    assert len(mail.outbox) == 2
    english, arabic = mail.outbox
    assert isinstance(english, EmailMultiAlternatives)
    assert isinstance(arabic, EmailMultiAlternatives)
    assert english.to == ["ola@example.no"]
    assert english.subject == "User survey"
    assert "Solsikken barnehage would like to hear what you think" in english.body
    assert "We want to improve." in english.body
    assert "The link is personal" in english.body
    assert "?lang=en" in english.body
    html, mime = english.alternatives[0]
    assert mime == "text/html"
    assert 'lang="en" dir="ltr"' in html
    assert arabic.subject == "استطلاع المستخدمين"
    assert "نريد أن نتحسن." in arabic.body
    assert 'lang="ar" dir="rtl"' in arabic.alternatives[0][0]
    assert dict(Invitation.objects.values_list("email", "language")) == {
        "ola@example.no": "en",
        "amal@example.no": "ar",
    }

    # The personal link opens the survey in that language (and the response keeps it).
    client = Client()
    first = client.get(parse_link(str(arabic.body)))
    assert first.status_code == 302
    page = client.get(first["Location"]).content.decode()
    assert 'lang="ar"' in page
    assert 'dir="rtl"' in page
    assert Response.objects.get(survey=su.survey).language == "ar"

    # Reminders keep each invitation's language.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        distribution.reminders_send(actor=actor, survey_unit=su, base_url=BASE)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "ola@example.no": "Reminder: User survey",
        "amal@example.no": "تذكير: استطلاع المستخدمين",
    }


def test_default_language_is_the_surveys_first_and_others_are_refused(
    su: SurveyUnit, demo: DemoData, django_capture_on_commit_callbacks: Any
) -> None:
    actor = demo.users["leder.solsikken"]
    with django_capture_on_commit_callbacks(execute=True):
        distribution.invitations_send(actor=actor, survey_unit=su, emails=["ola@example.no"], base_url=BASE)
    assert mail.outbox[0].subject == "Brukerundersøkelse"
    assert "Solsikken barnehage vil gjerne høre hva du mener" in mail.outbox[0].body
    for language, emails in (("pl", ["kari@example.no"]), (None, [("kari@example.no", "pl")])):
        with pytest.raises(ServiceError) as exc:
            distribution.invitations_send(
                actor=actor, survey_unit=su, emails=emails, base_url=BASE, language=language
            )
        assert exc.value.code == "language_invalid"
    assert Invitation.objects.count() == 1


def test_page_and_api_pick_the_language(client_as: Any, su: SurveyUnit, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    client = client_as("leder.solsikken")
    url = f"/surveys/{su.survey_id}/units/{su.pk}/"
    page = client.get(url).content.decode()
    assert 'name="invite-language"' in page
    assert 'value="ar"' in page
    r = client.post(
        url,
        {"action": "invite", "invite-language": "en", "invite-emails": "ola@example.no\namal@example.no;ar"},
    )
    assert r.status_code == 302
    assert dict(Invitation.objects.values_list("email", "language")) == {
        "ola@example.no": "en",
        "amal@example.no": "ar",
    }
    bad = client.post(
        url, {"action": "invite", "invite-language": "en", "invite-emails": "kari@example.no;pl"}
    )
    assert bad.status_code == 200
    assert Invitation.objects.count() == 2
    assert "The survey is not offered in: Polish (pl)" in bad.content.decode()  # named, as typed
    assert "<kbd>ar</kbd> = Arabic" in page  # the codes to type after an address, marked as keyboard input
    api = client.post(
        f"/api/v1/surveys/{su.survey_id}/units/{su.pk}/invitations",
        data=json.dumps({"emails": ["kari@example.no", "per@example.no;nb"], "language": "ar"}),
        content_type="application/json",
    )
    assert api.status_code == 200
    assert api.json()["sent"] == 2
    assert Invitation.objects.get(email="kari@example.no").language == "ar"
    assert Invitation.objects.get(email="per@example.no").language == "nb"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_respondent_text_exists_in_every_language_with_the_same_placeholders() -> None:
    languages = set(TEXTS["next"])
    assert {"nb", "nn", "en", "ar", "pl", "uk", "es", "de", "fr", "ru", "lt", "fa", "ur"} <= languages
    for key, texts in TEXTS.items():
        assert set(texts) == languages, f"{key}: missing {languages - set(texts)}"
        for lang, text in texts.items():
            assert text.strip(), (key, lang)
            assert _fields(text) == _fields(texts["en"]), (key, lang)


def test_a_closed_round_sends_no_codes_invitations_or_reminders(
    client_as: Any, su: SurveyUnit, demo: DemoData, django_capture_on_commit_callbacks: Any
) -> None:
    """Closing a round ends its distribution: an invitation would take people to a page saying the
    survey is closed, and codes in letters would not work (walk2: both still went out)."""
    from medvirk.surveys.design import services as design

    actor = demo.users["analytiker"]
    with django_capture_on_commit_callbacks(execute=True):
        distribution.invitations_send(actor=actor, survey_unit=su, emails=["ola@example.no"], base_url=BASE)
    design.survey_set_status(actor=actor, survey=su.survey, status="closed")
    su.refresh_from_db()
    sending = (
        lambda: distribution.invitations_send(
            actor=actor, survey_unit=su, emails=["kari@example.no"], base_url=BASE
        ),
        lambda: distribution.reminders_send(actor=actor, survey_unit=su, base_url=BASE),
        lambda: distribution.codes_create(actor=actor, survey_unit=su, count=3),
    )
    for send in sending:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError) as refused:
            send()
        assert refused.value.code == "survey_closed"
    assert len(mail.outbox) == 1 and Invitation.objects.count() == 1
    page = client_as("analytiker").get(f"/surveys/{su.survey_id}/units/{su.pk}/").content.decode()
    assert "Brukerundersøkelsen er avsluttet, så ingen kan svare på den lenger" in page
    assert 'value="invite"' not in page and 'value="codes"' not in page and 'value="remind"' not in page
