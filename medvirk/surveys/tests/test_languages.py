"""Languages on survey pages come from the one registry (medvirk.common.languages): direction,
names staff read ("arabisk", not "ar"), the respondent's language switch and XLSForm headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from medvirk.common import languages
from medvirk.core.models import Job
from medvirk.surveys.design.forms import SurveyCreateForm
from medvirk.surveys.design.respondent_text import TEXTS
from medvirk.surveys.distribution.forms import InviteForm
from medvirk.surveys.interchange.xlsform import language_header
from tests.sample_survey import sample_definition
from tests.survey_rounds import draft_survey


def survey_in(demo: Any, *codes: str) -> Any:
    return draft_survey(
        demo,
        "Solsikken barnehage",
        document=sample_definition(languages=codes),
        actor="admin",
        owner="Bydel Nord",
    )


def page(client: Any, url: str, language: str = "nb") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def textareas(html: str) -> list[str]:
    return re.findall(r"<textarea[^>]*>", html)


def test_translate_page_writes_pashto_right_to_left(client_as: Any, demo: Any) -> None:
    """The translate page kept its own list of right-to-left languages without Pashto (issue 15)."""
    survey = survey_in(demo, "nb", "en", "ps")
    html = page(client_as("admin"), f"/surveys/{survey.pk}/translate/ps/")
    fields = textareas(html)
    assert fields
    for field in fields:
        assert 'lang="ps"' in field
        assert 'dir="rtl"' in field


@pytest.mark.parametrize("code", ["ar", "fa", "ur", "ckb", "prs"])
def test_translate_page_writes_every_right_to_left_language_so(client_as: Any, demo: Any, code: str) -> None:
    survey = survey_in(demo, "nb", "en", code)
    for field in textareas(page(client_as("admin"), f"/surveys/{survey.pk}/translate/{code}/")):
        assert 'dir="rtl"' in field


def test_translate_page_names_the_language_and_the_english_page_texts(client_as: Any, demo: Any) -> None:
    survey = survey_in(demo, "nb", "en", "ar", "so")
    client = client_as("admin")
    arabic = page(client, f"/surveys/{survey.pk}/translate/ar/")
    assert "Oversett til arabisk" in arabic
    assert "på engelsk" not in arabic  # Medvirk ships Arabic page texts
    somali = page(client, f"/surveys/{survey.pk}/translate/so/", "en")
    assert "Translate into Somali" in somali
    assert "Medvirk has no page texts in Somali yet" in somali
    for field in textareas(somali):
        assert 'dir="ltr"' in field


def test_survey_page_names_languages_with_missing_texts(client_as: Any, demo: Any) -> None:
    survey = survey_in(demo, "nb", "en", "ps")
    html = page(client_as("admin"), f"/surveys/{survey.pk}/")
    assert re.search(r'translate/ps/">Pashto</a>', html)
    assert ">ps</a>" not in html
    assert survey.status == "draft" and not Job.objects.exists()  # a draft's page asks for no decision


def _labels(choices: Any) -> dict[str, str]:
    """Return a flat choice list (no groups) as key → label."""
    return dict(choices)


def test_create_form_offers_the_registry_labelled_for_the_page() -> None:
    from django.utils import translation

    form = SurveyCreateForm(templates=[], owners=[], units=[])
    with translation.override("nb"):
        choices = _labels(form.choice_field("languages").choices)
    assert choices["ar"] == "العربية (arabisk)"
    assert choices["ps"] == "پښتو (pashto)"
    assert choices["nb"] == "Norsk bokmål"
    assert "no" not in choices
    with translation.override("en"):
        assert _labels(form.choice_field("languages").choices)["ar"] == "العربية (Arabic)"


def test_invitation_language_choice_names_the_survey_languages() -> None:
    from django.utils import translation

    with translation.override("nn"):
        form = InviteForm(languages=["nb", "ar", "xx"])
    assert form.choice_field("language").choices == [
        ("nb", "Norsk bokmål"),
        ("ar", "العربية (arabisk)"),
        ("xx", "xx"),
    ]


def test_local_question_form_names_the_language_and_its_direction() -> None:
    from django.utils import translation

    from medvirk.surveys.design.forms import LocalQuestionForm

    with translation.override("nb"):
        form = LocalQuestionForm(languages=["nb", "ar"])
    assert form.fields["text_ar"].label == "Spørsmål på arabisk"
    assert form.fields["text_ar"].widget.attrs["dir"] == "rtl"
    assert form.fields["text_nb"].widget.attrs["dir"] == "ltr"


def test_respondent_language_switch_shows_endonyms(client: Any, demo: Any) -> None:
    survey = survey_in(demo, "nb", "en", "ar")
    survey.status = "open"
    survey.save(update_fields=["status"])
    link = survey.survey_units.get().link_key
    html = page(client, f"/a/{link}/?lang=ar")
    assert '<html lang="ar" dir="rtl"' in html
    assert ">العربية</option>" in html
    assert ">Norsk bokmål</option>" in html


def test_registry_knows_which_languages_have_respondent_texts() -> None:
    shipped = {code for code, language in languages.LANGUAGES.items() if language.respondent_texts}
    assert shipped == set(TEXTS["next"])


def test_xlsform_headers_name_norways_languages_in_themselves_and_others_in_english() -> None:
    assert language_header("nb") == "Norsk bokmål (nb)"
    assert language_header("se") == "Davvisámegiella (se)"
    assert language_header("ar") == "Arabic (ar)"
    assert language_header("ps") == "Pashto (ps)"
    assert language_header("tlh") == "tlh (tlh)"
