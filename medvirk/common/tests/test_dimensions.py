"""The background dimensions' names and category labels in bokmål, nynorsk and English."""

from __future__ import annotations

from medvirk.common.dimensions import GENDER, HOME_LANGUAGE


def test_labels_follow_the_page_language_and_nynorsk_falls_back_to_bokmal() -> None:
    male, other = GENDER.categories[1], GENDER.categories[2]
    assert [HOME_LANGUAGE.label(lang) for lang in ("nb", "nn", "en", "de")] == [
        "Språk hjemme",
        "Språk heime",
        "Language spoken at home",
        "Language spoken at home",
    ]
    assert [other.label(lang) for lang in ("nb", "nn", "en")] == ["Annet", "Anna", "Other"]
    assert male.label("nn") == "Mann"  # no nynorsk label of its own
