"""k-anonymity by local suppression: withhold few quasi-identifier values, one row at a time.

A response-level file lists each row's quasi-identifiers (unit, language, each background
answer). An insider who knows a person's values (the one father of a unit, the one parent who
answered in Arabic) finds the person's row, and every answer on it, when the combination is
rare. :func:`local_suppression` withholds values so that every combination the file publishes,
withheld values included ("withheld" is a value of its own), stands in at least ``k`` rows that
**count**: rows nobody reading the file can plant (a code or an invitation; a poster answer may
be the reader's own, written to pad a class). Rows that do not count are still published, but
only in a combination that already holds ``k`` that do.

Written by hand rather than with a library: ANJANA (built on pyCANON, which only checks a
table) reaches k-anonymity by generalisation hierarchies and by dropping whole records
(global recoding on a pandas frame), and neither lets only some rows count towards ``k``. The
greedy is small:

1. Rows whose full combination has ``k`` counted rows keep every value.
2. For the others, level by level (one value withheld, then two, …), the sets of columns of
   that size are tried, those whose withholding places the most rows first (a row is placed
   when its new combination, with the rows already placed there, reaches ``k`` counted), and
   the level is passed over again while it places rows. A row thus loses only as many values
   as its level (ties go to the columns first in the row).
3. Rows no level placed keep only the values they all share; if that combination has fewer
   than ``k`` counted rows, counted rows that match it once the same values are withheld move
   in from classes that can spare them (each keeps ``k``), then whole classes, smallest first;
   failing that, the same with one more value withheld, level by level up to every value.
   Only if all rows together have fewer than ``k`` counted is nothing published (every row
   left out).

It is a heuristic: it withholds few values, not provably the fewest (that is NP-hard). Each set
of columns is tried on the unplaced rows column-wise (``_Unplaced``): 20,000 rows with six
background questions, eight languages' worth of answers and 100 units take about 3 s on one core
(15 s with a tuple built per row in Python).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations, compress, repeat

#: A row's quasi-identifier values; ``None`` is a value withheld already (e.g. a unit's name).
Values = tuple[str | None, ...]
Pattern = tuple[str | None, ...]


def _pattern(values: Values, withheld: frozenset[int]) -> Pattern:
    return tuple(None if i in withheld else v for i, v in enumerate(values))


def local_suppression(rows: Sequence[Values], counted: Sequence[bool], k: int) -> list[frozenset[int] | None]:
    """Return, for each row, the positions of its values to withhold, or None to leave it out.

    Afterwards every published combination (values with the withheld ones as ``None``) is the
    combination of at least ``k`` counted rows. Positions already ``None`` in a row count as
    withheld and are in its set. Deterministic: the same rows in the same order give the same
    answer.
    """
    if not rows:
        return []
    if sum(counted) < k:
        return [None] * len(rows)
    width = len(rows[0])
    given = [frozenset(i for i, v in enumerate(r) if v is None) for r in rows]
    result: list[frozenset[int] | None] = [None] * len(rows)
    placed: Counter[Pattern] = Counter()  # counted rows per published combination
    unplaced = list(range(len(rows)))
    levels = [[frozenset(c) for c in combinations(range(width), size)] for size in range(width + 1)]
    for subsets in levels:
        progress = True
        while unplaced and progress:  # a second pass: classes grown by this level take more rows
            progress = False
            state = _Unplaced(rows, counted, unplaced)
            found = [(state.placeable(k, placed, s), s) for s in subsets]
            ranked = sorted((pair for pair in found if pair[0]), key=lambda pair: -len(pair[0]))
            changed = False
            for chosen, subset in ranked:
                if changed:  # earlier sets took rows: count this one's classes again
                    chosen = state.placeable(k, placed, subset)
                if not chosen:
                    continue
                for i, pattern in chosen:
                    result[i] = subset | given[i]
                    placed[pattern] += counted[i]
                taken = {i for i, _p in chosen}
                unplaced = [i for i in unplaced if i not in taken]
                state = _Unplaced(rows, counted, unplaced)
                progress = changed = True
    if unplaced:
        # The narrowest combination all the left rows share (values they all have kept), else none.
        narrow = frozenset(j for j in range(width) if len({rows[i][j] for i in unplaced}) > 1) | frozenset(
            j for j in range(width) if rows[unplaced[0]][j] is None
        )
        for target in (s for subsets in levels for s in subsets if narrow <= s):  # everything last
            trial = list(result)
            for i in unplaced:
                trial[i] = target | given[i]
            if _fill(trial, rows, counted, k, _pattern(rows[unplaced[0]], target), target, given):
                result = trial
                break
    return result


def nested_suppression(
    rows: Sequence[Values], counted: Sequence[bool], k: int, inner: int
) -> list[frozenset[int] | None]:
    """Return :func:`local_suppression`'s answer for rows whose first ``inner`` values are
    decided within the combinations of the others: first the other values (as if the first
    were not there), then, in each combination they publish (k counted rows or more), the first
    values of its rows by themselves.

    Every published combination of all the values still stands in at least ``k`` counted rows,
    and the other values are withheld exactly as without the first. The years of a survey's
    dates are decided so: each date question would double the sets of columns the greedy tries
    (three dates took 28 s for 20,000 rows instead of 1 s), and a date's year says less to an
    analyst than the unit or the background it would otherwise take with it.
    """
    outer = local_suppression([r[inner:] for r in rows], counted, k)
    if not inner:
        return outer
    result: list[frozenset[int] | None] = [None] * len(rows)
    classes: dict[Pattern, list[int]] = defaultdict(list)
    for i, withheld in enumerate(outer):
        if withheld is not None:
            classes[_pattern(rows[i][inner:], withheld)].append(i)
    for members in classes.values():
        decided = local_suppression([rows[i][:inner] for i in members], [counted[i] for i in members], k)
        for i, first in zip(members, decided, strict=True):
            withheld = outer[i]
            assert first is not None and withheld is not None  # the class has k counted rows
            result[i] = first | frozenset(inner + p for p in withheld)
    return result


class _Unplaced:
    """The rows not placed yet, column by column, so that a set of withheld columns gives every
    row's combination with one ``zip`` and the counted rows per combination with one ``Counter``
    (both in C: the greedy tries every set of columns, and a file may have 200,000 rows)."""

    def __init__(self, rows: Sequence[Values], counted: Sequence[bool], unplaced: list[int]) -> None:
        self.rows = unplaced
        self.width = len(rows[0])
        self.columns = [[rows[i][j] for i in unplaced] for j in range(self.width)]
        self.counted = [counted[i] for i in unplaced]

    def placeable(
        self, k: int, placed: Counter[Pattern], subset: frozenset[int]
    ) -> list[tuple[int, Pattern]]:
        """Return (row, combination) of the rows whose combination with ``subset`` withheld
        reaches ``k`` counted rows, with the rows already placed there."""
        if not self.rows:
            return []
        if len(subset) == self.width:
            patterns: list[Pattern] = [(None,) * self.width] * len(self.rows)
        else:
            nones = repeat(None)
            columns = [nones if j in subset else self.columns[j] for j in range(self.width)]
            patterns = list(zip(*columns, strict=False))  # the repeated Nones end with the columns
        totals = Counter(compress(patterns, self.counted))
        reach = {p for p in set(patterns) if placed[p] + totals[p] >= k}
        return [(i, p) for i, p in zip(self.rows, patterns, strict=True) if p in reach]


def _fill(
    result: list[frozenset[int] | None],
    rows: Sequence[Values],
    counted: Sequence[bool],
    k: int,
    target: Pattern,
    withhold: frozenset[int],
    given: list[frozenset[int]],
) -> bool:
    """Bring the combination ``target`` up to ``k`` counted rows with rows that match it once
    ``withhold`` is withheld: counted rows a class can spare (it keeps k), then whole classes,
    smallest first (in place). Return whether it reached ``k`` (step 3)."""
    classes: dict[Pattern, list[int]] = defaultdict(list)
    for i, withheld in enumerate(result):
        if withheld is not None:
            classes[_pattern(rows[i], withheld)].append(i)
    short = k - sum(counted[i] for i in classes.pop(target, []))
    fits = [m for m in classes.values() if all(_pattern(rows[i], withhold) == target for i in m)]
    fits.sort(key=lambda members: -sum(counted[i] for i in members))
    for members in fits:  # spare counted rows first: the class keeps k
        spare = sum(counted[i] for i in members) - k
        for i in reversed(members):
            if short <= 0 or spare <= 0:
                break
            if counted[i]:
                result[i] = withhold | given[i]
                short, spare = short - 1, spare - 1
    for members in reversed(fits):  # then whole classes, smallest first
        if short <= 0:
            break
        left = [i for i in members if _pattern(rows[i], result[i] or frozenset()) != target]
        short -= sum(counted[i] for i in left)
        for i in left:
            result[i] = withhold | given[i]
    return short <= 0


def _number_text(value: float) -> str:
    return f"{value:.15g}"


def number_ranges(values: Sequence[float | None], counted: Sequence[bool], k: int) -> list[str]:
    """Return each row's number as a range that at least ``k`` counted rows fall in ("" for none).

    A number the reader knows of one person (a child's hours a week, a client's visits) finds
    that person's row as surely as a birthday (red team 4). The counted rows' values, sorted, are
    cut into ranges of at least ``k`` of them (equal values stay together; a short remainder joins
    the last range); every row, planted ones too, takes the range its value falls in. The lowest
    range is open below ("< 10"), the highest above ("≥ 40"), the others half-open ("[10, 40)"),
    so an extreme value is never written; a range all of whose rows say the same number is that
    number. With fewer than ``k`` counted values in all, each row keeps its value (the caller's
    suppression then withholds every one of them: none is shared by ``k``). The ranges are
    quasi-identifiers too: ``nested_suppression`` decides them within each published combination.
    """
    shared = Counter(v for v, c in zip(values, counted, strict=True) if c and v is not None)
    lows: list[float] = []
    size = 0
    for value in sorted(shared):
        if size == 0:
            lows.append(value)
        size += shared[value]
        if size >= k:
            size = 0
    if size and len(lows) > 1:
        lows.pop()  # a short remainder joins the range before it
    if not lows or (len(lows) == 1 and sum(shared.values()) < k):
        return ["" if v is None else _number_text(v) for v in values]
    band = [None if v is None else max(0, bisect_right(lows, v) - 1) for v in values]
    members: dict[int, set[float]] = defaultdict(set)
    for v, b in zip(values, band, strict=True):
        if v is not None and b is not None:
            members[b].add(v)
    last = len(lows) - 1

    def label(b: int) -> str:
        if len(members[b]) == 1:
            return _number_text(next(iter(members[b])))
        if last == 0:
            return ""  # one range holding every answer: it says nothing
        if b == 0:
            return f"< {_number_text(lows[1])}"
        if b == last:
            return f"≥ {_number_text(lows[b])}"
        return f"[{_number_text(lows[b])}, {_number_text(lows[b + 1])})"

    labels = {b: label(b) for b in members}
    return ["" if b is None else labels[b] for b in band]
