"""Names in Norwegian alphabetical order: a–z, then æ, ø, å; small and capital letters together."""

from __future__ import annotations

from medvirk.common.collation import compare, name_key

# In the order PostgreSQL's ICU collation nb-NO-x-icu gives them (checked against it by
# medvirk/core/tests/test_ordering.py on both databases).
NORWEGIAN = [
    "andersen",
    "anne",
    "Anne",
    "Berit",
    "Émile",
    "Eva",
    "Ola",
    "Zara",
    "Ærlig",
    "Ørjan",
    "Östen",
    "Øystein",
    "Åse",
    "Aasen",
]


def test_names_sort_with_the_last_three_letters_last() -> None:
    assert sorted(reversed(NORWEGIAN), key=name_key) == NORWEGIAN
    assert sorted(NORWEGIAN) != NORWEGIAN  # code points put "Zara" before "andersen", "Å" before "Æ"


def test_compare_agrees_with_the_key_and_puts_a_missing_name_first() -> None:
    assert [compare(a, b) for a, b in [("Åse", "Øystein"), ("Øystein", "Åse"), ("Eva", "Eva")]] == [1, -1, 0]
    assert compare(None, "Ola") == -1 and compare("Ola", None) == 1
