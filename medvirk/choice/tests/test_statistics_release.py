"""Published statistics of choosing never move by one client (``statistics.release_parts``): a
client entered late, ended back in time, corrected, or whose switch is cancelled changes one
item of a part at most, and a part is published again only when nothing or at least k clients
changed. Pure: no database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.choice.statistics import (
    PARTS,
    Part,
    changed_clients,
    parts_from_json,
    parts_to_json,
    release_parts,
)

K = 5
BEFORE, AFTER = date(2025, 11, 30), date(2025, 12, 31)
items = st.tuples(
    st.sampled_from(("active", "default")), st.sampled_from((11, 12)), st.sampled_from(("", "80+"))
)


def _parts(rows: list[tuple[object, ...]], day: date) -> dict[str, Part]:
    return {name: Part(day, Counter(rows)) for name in PARTS}


@settings(max_examples=60)  # three kinds of change on small tables: enough, and cheap
@given(rows=st.lists(items, max_size=20), change=st.sampled_from(("add", "remove", "replace")), new=items)
def test_one_client_never_moves_a_published_part(
    rows: list[tuple[object, ...]], change: str, new: tuple[object, ...]
) -> None:
    published = _parts(rows, BEFORE)
    later = list(rows)
    if change != "add" and later:
        later.pop(0)
    if change != "remove":
        later.append(new)
    recorded = _parts(later, AFTER)
    moved = changed_clients(published["first"].items, recorded["first"].items)
    assert moved <= 1
    expected = published if moved else recorded  # unchanged: the day moves on, nothing else
    assert release_parts([published], recorded, K) == expected
    assert parts_from_json(parts_to_json(published)) == published


def test_k_clients_come_in_together_and_a_part_moves_on_its_own() -> None:
    published = _parts([("active", 11, "")] * 6, BEFORE)
    recorded = dict(published)
    recorded["first"] = Part(AFTER, Counter({("active", 11, ""): 6, ("default", 12, "80+"): K}))
    recorded["switches"] = Part(AFTER, Counter({("active", 11, ""): 5}))  # one went
    released = release_parts([published], recorded, K)
    assert released["first"] == recorded["first"]  # k together: in
    assert released["switches"] == published["switches"]  # one: waits
    assert release_parts([], recorded, K) == recorded  # the first publication takes all


def test_one_part_cannot_be_subtracted_from_another_nor_a_release_from_an_older_one() -> None:
    """Five clients registered late (first choice and client on the day) beside one ended back in
    time: the first choices move by five, the clients by five and one, and clients minus first
    choices would leave the one ended. Then: a release that undoes four of five earlier changes
    differs from the one before those by two clients only."""
    late, ended = ("active", 12, "80+"), ("active", 11, "")
    published = {
        "first": Part(AFTER, Counter({ended: 1})),
        "current": Part(AFTER, Counter({ended[1:]: 1})),
        "switches": Part(AFTER, Counter()),
    }
    recorded = {
        "first": Part(AFTER, Counter({ended: 1, late: K})),
        "current": Part(AFTER, Counter({late[1:]: K})),
        "switches": published["switches"],
    }
    released = release_parts([published], recorded, K)
    assert released["current"] == published["current"]  # waits: it would give the ended one away
    assert released["first"] == recorded["first"]  # five together: in
    # Every earlier release counts, not only the last.
    one, other = ("default", 11, ""), ("default", 12, "")
    first = {name: Part(AFTER, Counter()) for name in PARTS}
    second = {**first, "switches": Part(AFTER, Counter({one: K}))}
    third = {**first, "switches": Part(AFTER, Counter({one: 1, other: 1}))}  # four gone, one came
    assert release_parts([first, second], third, K) == second
