"""A national identity number typed as a client's alias gets one message, in plain words, wherever it
is typed: client feedback's episode, provider choice's client (its page, its CSV import and the API
behind both show the service's message)."""

from __future__ import annotations

import pytest
from django.utils import translation

from medvirk.choice.services import clean_alias
from medvirk.core.errors import ServiceError
from medvirk.feedback.services._common import _check_alias


@pytest.mark.parametrize("alias", ["01019012345", "fnr 010190 12345"])
def test_client_feedback_and_provider_choice_say_the_same_in_each_language(alias: str) -> None:
    for language, words in (("nb", "fødselsnummer"), ("nn", "fødselsnummer"), ("en", "identity number")):
        with translation.override(language):
            with pytest.raises(ServiceError) as feedback:
                _check_alias(alias)
            with pytest.raises(ServiceError) as choice:
                clean_alias(alias)
            said = str(feedback.value.message)
            assert said == str(choice.value.message), language
        assert words in said and feedback.value.field == choice.value.field == "alias"
    assert (feedback.value.code, choice.value.code) == ("alias_is_id", "alias_is_national_id")  # kept
