"""Local suppression for k-anonymity (``analysis.kanonymity``): every published combination of
quasi-identifiers stands in at least k counted rows, whatever the rows (property test, the
derandomised "ci" profile of the root conftest)."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given
from hypothesis import strategies as st

from medvirk.analysis.kanonymity import Values, local_suppression, nested_suppression, number_ranges


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[Values], list[bool], int]:
    width = draw(st.integers(1, 4))
    value = st.one_of(st.sampled_from(["a", "b", ""]), st.none())
    rows = draw(st.lists(st.tuples(*[value] * width), max_size=40))
    counted = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    return rows, counted, draw(st.integers(2, 6))


def _published(rows: list[Values], withheld: list[frozenset[int] | None]) -> list[tuple[int, Values]]:
    return [
        (i, tuple(None if j in w else v for j, v in enumerate(rows[i])))
        for i, w in enumerate(withheld)
        if w is not None
    ]


@given(tables())
@example(([("u", "male")] * 5 + [("u", "female")] * 6, [True] + [False] * 4 + [True] * 6, 5))
@example(([("a", "x")] * 3 + [("b", "x")] * 3 + [("a", None)] * 2, [True] * 8, 3))
def test_every_published_combination_stands_in_at_least_k_counted_rows(
    table: tuple[list[Values], list[bool], int],
) -> None:
    rows, counted, k = table
    _assert_k_anonymous(rows, counted, k, local_suppression(rows, counted, k))


@given(tables(), st.integers(0, 4))
@example(([("1999", "u")] + [("2020", "u")] * 5 + [("2021", "u")] * 4, [True] * 10, 5), 1)
def test_dates_decided_within_the_published_combinations_keep_every_combination_at_k(
    table: tuple[list[Values], list[bool], int], inner: int
) -> None:
    """``nested_suppression``: the first ``inner`` values (a survey's dates' years) are decided
    within each combination the others publish; the others are withheld as without them."""
    rows, counted, k = table
    inner = min(inner, len(rows[0]) if rows else 0)
    withheld = nested_suppression(rows, counted, k, inner)
    _assert_k_anonymous(rows, counted, k, withheld)
    alone = local_suppression([r[inner:] for r in rows], counted, k)
    assert [w if w is None else {j - inner for j in w if j >= inner} for w in withheld] == alone


def _assert_k_anonymous(
    rows: list[Values], counted: list[bool], k: int, withheld: list[frozenset[int] | None]
) -> None:
    published = _published(rows, withheld)
    per_combination = Counter(values for i, values in published if counted[i])
    assert all(per_combination[values] >= k for _i, values in published)
    assert all(
        w is None or all(j in w for j, v in enumerate(rows[i]) if v is None) for i, w in enumerate(withheld)
    )  # a value withheld already stays withheld
    if sum(counted) >= k:
        assert len(published) == len(rows)  # nobody is left out while the counted rows reach k
    else:
        assert not published


def test_the_rare_values_are_withheld_and_the_unit_kept() -> None:
    # Eight mothers speaking Norwegian, one speaking Arabic and two fathers at one unit (k = 5):
    # the Arabic-speaking mother and the fathers lose language and gender, and two mothers the
    # same, so that the combination "Solsikken, withheld, withheld" has five rows; the unit is kept.
    rows = [("Solsikken", "nb", "female")] * 8 + [("Solsikken", "ar", "female")]
    rows += [("Solsikken", "nb", "male")] * 2
    withheld = local_suppression(rows, [True] * len(rows), 5)
    assert withheld[8:] == [frozenset({1, 2})] * 3
    assert sorted(withheld[:8], key=lambda w: len(w or ())) == [frozenset()] * 6 + [frozenset({1, 2})] * 2


def test_planted_rows_do_not_make_a_combination_published() -> None:
    # The father is the only counted man; four poster answers "male" (the reader's own) would
    # make five, but only counted rows reach k: the father's gender is withheld.
    rows = [("u", "male")] * 5 + [("u", "female")] * 6
    counted = [True] + [False] * 4 + [True] * 6
    withheld = local_suppression(rows, counted, 5)
    assert withheld == [frozenset({1})] * 11  # gender withheld for all: "u, withheld" has 7


def _holds(label: str, value: float) -> bool:
    """Whether ``value`` lies in the range ``label`` names ("< 10", "[10, 40)", "≥ 40", "12")."""
    if label.startswith("< "):
        return value < float(label[2:])
    if label.startswith("≥ "):
        return value >= float(label[2:])
    if label.startswith("["):
        low, high = (float(p) for p in label[1:-1].split(", "))
        return low <= value < high
    return value == float(label)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-5, 60).map(float), st.sampled_from([0.25, 2.5, 365.0])),
            st.booleans(),
        ),
        max_size=60,
    ),
    st.integers(2, 6),
)
def test_a_number_range_holds_its_value_and_k_counted_answers(
    rows: list[tuple[float | None, bool]], k: int
) -> None:
    """Red team 4: a number known of one person finds that row. Every range a file writes holds
    the row's value and at least k counted answers (planted ones never make one); a value is
    written as it is only where k counted rows gave it, or where too few counted numbers exist
    for any range (the suppression then withholds it)."""
    values, counted = [v for v, _c in rows], [c for _v, c in rows]
    labels = number_ranges(values, counted, k)
    shared = Counter(
        label for label, v, c in zip(labels, values, counted, strict=True) if c and v is not None
    )
    enough = sum(1 for v, c in rows if c and v is not None) >= k
    for label, value in zip(labels, values, strict=True):
        assert (label == "") == (value is None) or (label == "" and enough)
        if label:
            assert value is not None and _holds(label, value)
            assert shared[label] >= k or not enough
