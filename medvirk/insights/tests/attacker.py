"""An LP attacker on one question's published figures, written apart from the code it attacks.

It plays the insider of issue 16: it knows the round's unit tree and background questions, that
every count is ≥ 0 and adds up over the tree and over each background question's categories,
and it turns *every* figure published for a group into a linear fact about the group's counts:

* respondents, answers (n), each shown option count, "don't know", and every published total of
  several options (the merged options' total, or its two parts below and in the top box, the
  top box's count): one equation "these options' counts add up to this";
* shares (count / n) and the top-box share (Σ counts of the options in the top box / n);
* the mean (Σ value · count / n) and its t interval, which gives the standard deviation and so
  Σ value² · count;
* rounded figures (CSV, PDF) as ranges.

Variables: for every group (unit, background slot) and every *family* of respondents — one per
answer option, one for "don't know", one for those who gave no answer — how many respondents of
the group are in it. It then solves, for each withheld cell (an option count, a group's answers
or respondents), the lowest and highest value consistent with all facts, and reports cells it
can pin to 1 … m−1 or to an interval narrower than m (m: the threshold that withheld the cell).
The solving is shared with the client-feedback dashboard's attacker (``tests/lp_attack.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import stats

from tests.lp_attack import LpAttacker

Slot = tuple[str, str] | None
Group = tuple[int, Slot]
DONT_KNOW = "dk"
NO_ANSWER = "none"
NOT = "not"  # multiple choice: answered, but did not choose the option


@dataclass(frozen=True)
class Figures:
    """What was published for one group and question (None: not published).

    ``options``: option id → count; ``shares``: option id → share of n; ``merged``: published
    totals of several options, each (option ids, count): "these options' counts add up to count"
    (the merged options; a printed report's two merged rows, below and in the top box; the top
    box's count); ``mean``: (estimate, low, high; low and high NaN when not published);
    ``top``: share in the top box.
    ``digits``: decimals of mean and interval (None: exact); ``share_digits``: decimals of shares.
    """

    n: int | None = None
    respondents: int | None = None
    options: Mapping[int, int] = field(default_factory=dict)
    shares: Mapping[int, float] = field(default_factory=dict)
    merged: Sequence[tuple[Sequence[int], int]] = ()
    dont_know: int | None = None
    mean: tuple[float, float, float] | None = None
    top: float | None = None
    digits: int | None = None
    share_digits: int | None = None


class Attacker(LpAttacker):
    """The attacker's linear programme for one question of one round."""

    def __init__(
        self,
        nodes: Mapping[int, int | None],
        dims: Mapping[str, Sequence[str]],
        options: Mapping[int, float | None],
        *,
        top: Iterable[int] = (),
        exclusive: bool = True,
    ) -> None:
        """``nodes``: node id → parent id (None at the top); ``dims``: dimension → categories
        ("not stated" included); ``options``: option id → scale value (None for choices);
        ``top``: option ids in the top box. Multiple choice (not ``exclusive``): per option,
        those who chose it and those who answered without choosing it."""
        self.options = dict(options)
        self.top = frozenset(top)
        self.exclusive = exclusive
        if exclusive:
            self.families: list[Any] = [*self.options, DONT_KNOW, NO_ANSWER]
        else:
            self.families = [*self.options, *((NOT, o) for o in self.options), NO_ANSWER]
        self._published: set[tuple[Group, Any]] = set()
        slots: list[Slot] = [None, *((d, c) for d, cats in dims.items() for c in cats)]
        self.groups: list[Group] = [(node, slot) for node in nodes for slot in slots]
        self.index = {
            (g, f): i for i, (g, f) in enumerate((g, f) for g in self.groups for f in self.families)
        }
        super().__init__(np.zeros(len(self.index)))
        children: dict[int, list[int]] = {}
        for node, parent in nodes.items():
            if parent is not None and parent in nodes:
                children.setdefault(parent, []).append(node)
        for f in self.families:
            for node, kids in children.items():
                for slot in slots:
                    self._row({(node, slot): 1.0, **{(k, slot): -1.0 for k in kids}}, f, 0.0, 0.0)
            for node in nodes:
                for d, cats in dims.items():
                    self._row({(node, None): 1.0, **{(node, (d, c)): -1.0 for c in cats}}, f, 0.0, 0.0)
        if not exclusive and self.options:
            first, *rest = self.options
            for g in self.groups:
                for o in rest:
                    terms = {(g, o): 1.0, (g, (NOT, o)): 1.0, (g, first): -1.0, (g, (NOT, first)): -1.0}
                    self.add({self.index[k]: w for k, w in terms.items()}, 0.0, 0.0)

    def _row(self, groups: Mapping[Group, float], family: Any, low: float, high: float) -> None:
        self.add({self.index[g, family]: w for g, w in groups.items()}, low, high)

    # --- the counts a figure is about -------------------------------------------------------

    def answers(self, group: Group) -> dict[int, float]:
        if not self.exclusive:  # those who chose the first option and those who did not
            first = next(iter(self.options))
            return {self.index[group, first]: 1.0, self.index[group, (NOT, first)]: 1.0}
        return {self.index[group, o]: 1.0 for o in self.options}

    def respondents(self, group: Group) -> dict[int, float]:
        return {
            **self.answers(group),
            **{self.index[group, f]: 1.0 for f in (DONT_KNOW, NO_ANSWER) if (group, f) in self.index},
        }

    def top_of(self, group: Group) -> dict[int, float]:
        return {self.index[group, o]: 1.0 for o in self.top}

    def answers_only(self) -> _AnswersOnly:
        """Return a view of this attacker that is told nothing about respondents or "don't know"."""
        return _AnswersOnly(self)

    def published(self, group: Group, what: Any) -> bool:
        """Return whether ``what`` ("respondents", "answers" or an option id) of ``group`` was published."""
        return (group, what) in self._published

    def option(self, group: Group, option: Any) -> dict[int, float]:
        return {self.index[group, option]: 1.0}

    def _weighted(self, group: Group, weight: Any) -> dict[int, float]:
        return {self.index[group, o]: float(weight(v)) for o, v in self.options.items() if v is not None}

    # --- facts --------------------------------------------------------------------------------

    def exact(self, terms: Mapping[int, float], value: float) -> None:
        """A published count: exactly ``value`` (a little slack for floats)."""
        slack = 1e-6 * max(1.0, abs(value))  # HiGHS's feasibility tolerance is 1e-7
        self.add(terms, value - slack, value + slack)

    def publish(self, group: Group, f: Figures) -> None:
        """Add every fact the figures of ``group`` give."""
        if f.respondents is not None:
            self.exact(self.respondents(group), f.respondents)
            self._published.add((group, "respondents"))
        if f.n is None:
            return
        n = f.n
        self.exact(self.answers(group), n)
        self._published.add((group, "answers"))
        for option, count in f.options.items():
            self.exact(self.option(group, option), count)
            self._published.add((group, option))
        for ids, total in f.merged:  # multiple choice too: the total of the options' ticks
            self.exact({self.index[group, o]: 1.0 for o in ids}, total)
        if f.dont_know is not None:
            self.exact(self.option(group, DONT_KNOW), f.dont_know)
        half_share = 0.5 * 10.0**-f.share_digits if f.share_digits is not None else 1e-7
        for option, share in f.shares.items():
            self.add(self.option(group, option), n * (share - half_share), n * (share + half_share))
        if f.top is not None:
            top = {self.index[group, o]: 1.0 for o in self.top}
            self.add(top, n * (f.top - half_share), n * (f.top + half_share))
        if f.mean is not None and n:
            self._moments(group, n, f.mean, f.digits)

    def _moments(self, group: Group, n: int, mean: tuple[float, float, float], digits: int | None) -> None:
        """Σ value · count from the mean; Σ value² · count from the mean and its t interval."""
        estimate, low, high = mean
        half = 0.5 * 10.0**-digits if digits is not None else 1e-7 * max(1.0, abs(estimate))
        m_lo, m_hi = estimate - half, estimate + half
        self.add(self._weighted(group, lambda v: v), n * m_lo, n * m_hi)
        if n < 2 or any(x is None or (isinstance(x, float) and math.isnan(x)) for x in (low, high)):
            return
        t = stats.t.ppf(0.975, n - 1)
        width = high - low
        w_lo, w_hi = max(0.0, width - 2 * half), width + 2 * half
        s_lo, s_hi = w_lo / 2 * math.sqrt(n) / t, w_hi / 2 * math.sqrt(n) / t
        # Σ v² c = (n − 1) s² + n · mean² (values and means here are positive)
        q_lo = (n - 1) * s_lo**2 + n * max(0.0, m_lo) ** 2
        q_hi = (n - 1) * s_hi**2 + n * m_hi**2
        slack = 1e-6 * max(1.0, q_hi)
        self.add(self._weighted(group, lambda v: v * v), q_lo - slack, q_hi + slack)


class _AnswersOnly:
    """Publishes to an attacker without respondents and "don't know" (see ``answers_only``)."""

    def __init__(self, attacker: Attacker) -> None:
        self.attacker = attacker

    def publish(self, group: Group, f: Figures) -> None:
        self.attacker.publish(group, replace(f, respondents=None, dont_know=None))

    def add(self, terms: Mapping[int, float], low: float, high: float) -> None:
        self.attacker.add(terms, low, high)

    def top_of(self, group: Group) -> dict[int, float]:
        return self.attacker.top_of(group)

    def answers(self, group: Group) -> dict[int, float]:
        return self.attacker.answers(group)
