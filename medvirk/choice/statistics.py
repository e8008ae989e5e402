"""Statistics of choosing, decided once per service and year in one suppression table.

Who makes an active choice (by immigrant background, language, age group and district), the
clients per provider (by the same groups) and the switches (from and to each provider, and
their reasons) are published together: on the statistics page, in the API, and as the source
of findings. A competitor knows its own figures and sees the service's totals, so a provider's
figures must not follow from "total minus the others". Everything is therefore one
:class:`~medvirk.analysis.suppression.Table` with every additive relation between its cells:

* first choices in the year: ``first = active + default``; each of the three = the sum of its
  groups in every dimension (categories plus "not stated"); per group ``all = active +
  default``; ``active`` = the sum of the providers chosen;
* clients with a provider on the reference day: the total = the sum over providers = the sum
  over groups; each provider = the sum of its groups; each group = the sum over providers;
* switches requested in the year: the total = the sum over the providers left = the sum over
  the providers chosen; for every reason, switches citing it + those not citing it (never
  shown) = the total, and the same per provider left, with the reason's count = the sum of its
  providers' counts.

The suppression module hides every count of 1 to k−1 people and enough others that no
combination of what is shown pins one down (rules 1-4, LP audit). Shares are computed only
from shown counts. The decision is cached under a digest of every input.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

from medvirk.analysis.intervals import Estimate, wilson_interval
from medvirk.analysis.suppression import (
    DEFAULT_THRESHOLD,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    suppress,
)

NOT_STATED = ""
#: The background dimensions choice statistics break down by, in page order.
DIMENSIONS = ("immigrant_background", "language", "age_band", "district")
HOW = ("active", "default")


@dataclass(frozen=True, slots=True)
class FirstChoice:
    """A client whose time to choose ended in the year: chose actively, or got the default."""

    how: str  # "active" or "default"
    provider: int
    background: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CurrentClient:
    """A client with a provider on the reference day."""

    provider: int
    background: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SwitchFact:
    """A switch requested in the year (cancelled ones are not counted)."""

    from_provider: int
    to_provider: int
    reasons: frozenset[str]


@dataclass(frozen=True)
class Facts:
    """Everything one decision covers: the rows, and the categories every table lists."""

    providers: tuple[int, ...]
    categories: Mapping[str, tuple[str, ...]]  # per dimension, without "not stated"
    reasons: tuple[str, ...]
    first: Sequence[FirstChoice] = ()
    current: Sequence[CurrentClient] = ()
    switches: Sequence[SwitchFact] = ()

    def category(self, dim: str, background: Mapping[str, str]) -> str:
        """Return the row's category in ``dim``; anything unknown is "not stated"."""
        value = background.get(dim, NOT_STATED)
        return value if value in self.categories[dim] else NOT_STATED

    def cats(self, dim: str) -> tuple[str, ...]:
        """Return the dimension's categories with "not stated" last."""
        return (*self.categories[dim], NOT_STATED)

    def digest(self) -> str:
        """Return a digest of every input (the cache key of the decision)."""
        parts = [
            repr(self.providers),
            repr(sorted((d, tuple(c)) for d, c in self.categories.items())),
            repr(self.reasons),
            repr(
                sorted(
                    (f.how, f.provider, tuple(self.category(d, f.background) for d in DIMENSIONS))
                    for f in self.first
                )
            ),
            repr(
                sorted(
                    (c.provider, tuple(self.category(d, c.background) for d in DIMENSIONS))
                    for c in self.current
                )
            ),
            repr(sorted((s.from_provider, s.to_provider, tuple(sorted(s.reasons))) for s in self.switches)),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- keys -------------------------------------------------------------------------------------


def first_key(how: str = "all", dim: str | None = None, cat: str = NOT_STATED) -> str:
    base = "first" if how == "all" else f"first|{how}"
    return base if dim is None else f"first|{how}|{dim}:{cat}"


def chosen_key(provider: int) -> str:
    return f"first|active|p:{provider}"


def current_key(provider: int | None = None, dim: str | None = None, cat: str = NOT_STATED) -> str:
    key = "current" if provider is None else f"current|p:{provider}"
    return key if dim is None else f"{key}|{dim}:{cat}"


def switch_key(
    *, side: str | None = None, provider: int | None = None, reason: str | None = None, cited: bool = True
) -> str:
    key = "switch" if side is None else f"switch|{side}:{provider}"
    if reason is not None:
        key += f"|reason:{reason}" + ("" if cited else "|no")
    return key


# --- the table ------------------------------------------------------------------------------


def build_table(facts: Facts) -> Table:
    """Build the one table of a service-year (pure; see the module docstring for its relations)."""
    b = TableBuilder()
    _first(b, facts)
    _current(b, facts)
    _switches(b, facts)
    return b.build()


def _first(b: TableBuilder, facts: Facts) -> None:
    counts: Counter[str] = Counter()
    for row in facts.first:
        counts[first_key()] += 1
        counts[first_key(row.how)] += 1
        counts[chosen_key(row.provider)] += row.how == "active"
        for dim in DIMENSIONS:
            cat = facts.category(dim, row.background)
            counts[first_key("all", dim, cat)] += 1
            counts[first_key(row.how, dim, cat)] += 1
    b.cell(first_key(), counts[first_key()])
    b.breakdown(first_key(), {first_key(h): counts[first_key(h)] for h in HOW})
    b.breakdown(first_key("active"), {chosen_key(p): counts[chosen_key(p)] for p in facts.providers})
    for dim in DIMENSIONS:
        for how in ("all", *HOW):
            b.breakdown(
                first_key(how),
                {first_key(how, dim, c): counts[first_key(how, dim, c)] for c in facts.cats(dim)},
            )
        for cat in facts.cats(dim):
            b.relation(first_key("all", dim, cat), [first_key(h, dim, cat) for h in HOW])


def _current(b: TableBuilder, facts: Facts) -> None:
    counts: Counter[str] = Counter()
    for row in facts.current:
        counts[current_key()] += 1
        counts[current_key(row.provider)] += 1
        for dim in DIMENSIONS:
            cat = facts.category(dim, row.background)
            counts[current_key(None, dim, cat)] += 1
            counts[current_key(row.provider, dim, cat)] += 1
    b.cell(current_key(), counts[current_key()])
    b.breakdown(current_key(), {current_key(p): counts[current_key(p)] for p in facts.providers})
    for dim in DIMENSIONS:
        b.breakdown(
            current_key(),
            {current_key(None, dim, c): counts[current_key(None, dim, c)] for c in facts.cats(dim)},
        )
        inner = {
            (str(p), c): counts[current_key(p, dim, c)] for p in facts.providers for c in facts.cats(dim)
        }
        b.crosstab(
            inner,
            rows={str(p): current_key(p) for p in facts.providers},
            cols={c: current_key(None, dim, c) for c in facts.cats(dim)},
            key="current|p:{row}|" + dim + ":{col}",
        )


def _switches(b: TableBuilder, facts: Facts) -> None:
    counts: Counter[str] = Counter()
    for row in facts.switches:
        counts[switch_key()] += 1
        counts[switch_key(side="from", provider=row.from_provider)] += 1
        counts[switch_key(side="to", provider=row.to_provider)] += 1
        for reason in facts.reasons:
            cited = reason in row.reasons
            counts[switch_key(reason=reason, cited=cited)] += 1
            counts[switch_key(side="from", provider=row.from_provider, reason=reason, cited=cited)] += 1
    total = b.cell(switch_key(), counts[switch_key()])
    for side in ("from", "to"):
        b.breakdown(
            total,
            {
                switch_key(side=side, provider=p): counts[switch_key(side=side, provider=p)]
                for p in facts.providers
            },
        )
    for reason in facts.reasons:
        named, rest = switch_key(reason=reason), switch_key(reason=reason, cited=False)
        b.cell(named, counts[named])
        b.cell(rest, counts[rest], published=False)
        b.relation(total, [named, rest])
        per_cited, per_rest = [], []
        for p in facts.providers:
            left = switch_key(side="from", provider=p)
            c_key = switch_key(side="from", provider=p, reason=reason)
            r_key = switch_key(side="from", provider=p, reason=reason, cited=False)
            b.cell(c_key, counts[c_key])
            b.cell(r_key, counts[r_key], published=False)
            b.relation(left, [c_key, r_key])
            per_cited.append(c_key)
            per_rest.append(r_key)
        if per_cited:
            b.relation(named, per_cited)
            b.relation(rest, per_rest)


def policy(threshold: int) -> SuppressionPolicy:
    """Return the policy for a municipality's threshold (never below the default)."""
    k = max(DEFAULT_THRESHOLD, threshold)
    return SuppressionPolicy(threshold=k, text_threshold=max(8, k))


def decide(facts: Facts, threshold: int) -> SuppressedTable:
    """Decide which counts of the service-year may be shown (pure)."""
    return suppress(build_table(facts), policy(threshold))


# --- releases: figures once published are kept --------------------------------------------

#: The parts of a service-year's figures, each kept or replaced on its own (no relation of the
#: table links one part to another): first choices, clients on the reference day, switches.
PARTS = ("first", "current", "switches")

#: One client's contribution to a part, in groups (never the client): first choices
#: ``(how, provider, *groups)``, clients ``(provider, *groups)``, switches a tuple of the client's
#: ``(from, to, reasons)``; ``groups`` in :data:`DIMENSIONS` order.
Item = tuple[Any, ...]


@dataclass(frozen=True)
class Part:
    """One part of the figures as published: the day it goes up to, and its counts per item."""

    day: date
    items: Counter[Item]


def changed_clients(before: Mapping[Item, int], after: Mapping[Item, int]) -> int:
    """Return at least how many clients differ between two counts of one part.

    A client entered, ended, corrected or whose switch is cancelled takes at most one item away
    and adds at most one, so the larger of what came and what went is never more than the clients
    who changed; one client alone gives at most 1.
    """
    keys = set(before) | set(after)
    came = sum(max(0, after.get(i, 0) - before.get(i, 0)) for i in keys)
    went = sum(max(0, before.get(i, 0) - after.get(i, 0)) for i in keys)
    return max(came, went)


def residual(parts: Mapping[str, Part]) -> Counter[Item]:
    """Return the clients on the reference day minus the first choices, both by provider and groups.

    Whoever reads two releases can subtract one part from the other as well as each from itself:
    five clients registered late beside one ended back in time moved the first choices by five
    and the clients by four, and the difference was the one ended. So this is kept apart from
    ``k`` too (:func:`release_parts`). One client changes it by at most two items each way.
    """
    out: Counter[Item] = Counter(parts["current"].items)
    for (_how, provider, *groups), n in parts["first"].items.items():
        out[(provider, *groups)] -= n
    return out


def apart(one: Mapping[str, Part], other: Mapping[str, Part], k: int) -> bool:
    """Return whether two publications differ by nothing or by at least ``k`` clients in every
    part, and by nothing or at least ``k`` items each way (so at least ``k``/2 clients) in the
    difference of clients on the day and first choices (:func:`residual`)."""
    for name in PARTS:
        moved = changed_clients(one[name].items, other[name].items)
        if 0 < moved < k:
            return False
    moved = changed_clients(residual(one), residual(other))
    return not 0 < moved < k


def release_parts(
    published: Sequence[Mapping[str, Part]], recorded: Mapping[str, Part], threshold: int
) -> dict[str, Part]:
    """Return the parts to publish now, given every earlier release, oldest first (pure).

    The first publication takes what is recorded. After that a part takes what is recorded only
    where the result stays :func:`apart` from **every** earlier release (not only the last: two
    changes of five, the second undoing four of the first, would leave one between the first and
    the third), *k* the threshold of the decision (:func:`policy`); the most parts that can,
    otherwise the parts stay as published. So no two releases differ by fewer than *k* clients
    (late registrations, a switch cancelled, a client ended back in time, a corrected
    background), and a genuine correction is shown together with enough others that the
    difference points to none of them. A part whose records did not change takes the new day.
    """
    if not published:
        return dict(recorded)
    k = policy(threshold).threshold
    latest = published[-1]
    for size in range(len(PARTS), 0, -1):
        for taken in combinations(PARTS, size):
            parts = {name: recorded[name] if name in taken else latest[name] for name in PARTS}
            if all(apart(parts, earlier, k) for earlier in published):
                return parts
    return dict(latest)


def facts_of(shape: Facts, parts: Mapping[str, Part]) -> Facts:
    """Return the facts the parts' counts stand for, with the shape's providers and categories
    (rows of a provider no longer approved for the service are left out, as when recorded)."""
    known = set(shape.providers)

    def rows(name: str) -> list[Item]:
        counted = parts[name].items
        return [item for item in sorted(counted) for _ in range(counted[item])]

    def groups(values: Sequence[str]) -> dict[str, str]:
        return dict(zip(DIMENSIONS, values, strict=True))

    return Facts(
        providers=shape.providers,
        categories=shape.categories,
        reasons=shape.reasons,
        first=[FirstChoice(i[0], i[1], groups(i[2:])) for i in rows("first") if i[1] in known],
        current=[CurrentClient(i[0], groups(i[1:])) for i in rows("current") if i[0] in known],
        switches=[
            SwitchFact(left, chosen, frozenset(reasons))
            for i in rows("switches")
            for left, chosen, reasons in i
            if left in known and chosen in known
        ],
    )


def _tupled(value: Any) -> Any:
    """Return JSON's lists as tuples, at every depth (a switches item holds tuples of tuples)."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def parts_to_json(parts: Mapping[str, Part]) -> dict[str, object]:
    """Return the parts as JSON data (a release's ``parts``)."""
    return {
        name: {"day": part.day.isoformat(), "items": [[item, n] for item, n in sorted(part.items.items())]}
        for name, part in parts.items()
    }


def parts_from_json(data: Mapping[str, Any]) -> dict[str, Part]:
    """Return the parts of a release's ``parts`` (:func:`parts_to_json`)."""
    return {
        name: Part(
            date.fromisoformat(data[name]["day"]),
            Counter({_tupled(item): n for item, n in data[name]["items"]}),
        )
        for name in PARTS
    }


# --- what pages show --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceRow:
    """Active choice in one group: counts where shown, and the share when both are shown."""

    key: str
    label: str
    total: int | None
    active: int | None
    default: int | None
    share: Estimate | None


@dataclass(frozen=True)
class ProviderRow:
    """Clients of one provider (or the whole service) on the reference day, overall and per group."""

    provider: int | None
    label: str
    clients: int | None
    groups: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class ReasonRow:
    key: str
    label: str
    total: int | None
    per_provider: tuple[int | None, ...] = ()


@dataclass
class Labels:
    """Names for keys (providers, categories, reasons), in the page language."""

    providers: Mapping[int, str] = field(default_factory=dict)
    categories: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    not_stated: str = "Not stated"


class ChoiceStatistics:
    """The shown figures of one decision, arranged for pages and the API. Carries no hidden count."""

    def __init__(
        self,
        facts: Facts,
        decision: SuppressedTable,
        labels: Labels,
        reference_day: date,
        *,
        published_on: date | None = None,
        days: Mapping[str, date] | None = None,
    ) -> None:
        self.providers = facts.providers
        self.categories = {d: facts.cats(d) for d in DIMENSIONS}
        self.reasons = facts.reasons
        self.decision = decision
        self.labels = labels
        self.reference_day = reference_day
        self.threshold = decision.threshold
        #: The day the figures were published (first shown); None: nothing of the year yet.
        self.published_on = published_on
        #: Per part (:data:`PARTS`), the day its figures go up to: the reference day, or an
        #: earlier one where fewer than the threshold's number of clients have changed since.
        self.days = dict(days or dict.fromkeys(PARTS, reference_day))

    def held(self, part: str) -> date | None:
        """Return the day a part goes up to when that is before the reference day, else None."""
        day = self.days[part]
        return day if day < self.reference_day else None

    def count(self, key: str) -> int | None:
        """Return a shown count, or None when hidden (or not in the table)."""
        try:
            return self.decision[key].count
        except KeyError:
            return None

    def _cat_label(self, dim: str, cat: str) -> str:
        if cat == NOT_STATED:
            return self.labels.not_stated
        return self.labels.categories.get(dim, {}).get(cat, cat)

    def choice_row(self, dim: str | None = None, cat: str = NOT_STATED, label: str = "") -> ChoiceRow:
        total = self.count(first_key("all", dim, cat))
        active = self.count(first_key("active", dim, cat))
        default = self.count(first_key("default", dim, cat))
        share = wilson_interval(active, total) if total and active is not None else None
        key = "all" if dim is None else f"{dim}:{cat}"
        return ChoiceRow(key, label or self._cat_label(dim or "", cat), total, active, default, share)

    def choice_by(self, dim: str) -> list[ChoiceRow]:
        return [self.choice_row(dim, cat) for cat in self.categories[dim]]

    def chosen_providers(self) -> list[tuple[str, int | None]]:
        return [(self.labels.providers.get(p, str(p)), self.count(chosen_key(p))) for p in self.providers]

    def clients(self, dim: str | None = None) -> list[ProviderRow]:
        """Return one row per provider and a last row for the whole service."""
        rows = []
        for provider in (*self.providers, None):
            groups: tuple[int | None, ...] = ()
            if dim is not None:
                groups = tuple(self.count(current_key(provider, dim, c)) for c in self.categories[dim])
            label = self.labels.providers.get(provider, str(provider)) if provider is not None else ""
            rows.append(ProviderRow(provider, label, self.count(current_key(provider)), groups))
        return rows

    def category_labels(self, dim: str) -> list[str]:
        return [self._cat_label(dim, c) for c in self.categories[dim]]

    def switches_total(self) -> int | None:
        return self.count(switch_key())

    def switches_by(self, side: str) -> list[tuple[str, int | None]]:
        return [
            (self.labels.providers.get(p, str(p)), self.count(switch_key(side=side, provider=p)))
            for p in self.providers
        ]

    def reason_rows(self) -> list[ReasonRow]:
        return [
            ReasonRow(
                r,
                self.labels.reasons.get(r, r),
                self.count(switch_key(reason=r)),
                tuple(self.count(switch_key(side="from", provider=p, reason=r)) for p in self.providers),
            )
            for r in self.reasons
        ]

    def as_dict(self) -> dict[str, object]:
        """Return the shown figures as JSON data (the API); hidden counts are null."""
        return {
            "reference_day": self.reference_day.isoformat(),
            "published_on": None if self.published_on is None else self.published_on.isoformat(),
            "up_to": {
                label: self.days[part].isoformat()
                for part, label in zip(PARTS, ("first_choices", "clients", "switches"), strict=True)
            },
            "threshold": self.threshold,
            "first_choices": {
                "all": _row_dict(self.choice_row()),
                "by": {d: [_row_dict(r) for r in self.choice_by(d)] for d in DIMENSIONS},
                "chosen_providers": [
                    {"provider": p, "active_choices": self.count(chosen_key(p))} for p in self.providers
                ],
            },
            "clients": {
                "total": self.count(current_key()),
                "providers": [{"provider": p, "clients": self.count(current_key(p))} for p in self.providers],
                "by": {
                    d: [
                        {
                            "category": c,
                            "total": self.count(current_key(None, d, c)),
                            "providers": [
                                {"provider": p, "clients": self.count(current_key(p, d, c))}
                                for p in self.providers
                            ],
                        }
                        for c in self.categories[d]
                    ]
                    for d in DIMENSIONS
                },
            },
            "switches": {
                "total": self.switches_total(),
                "from": [
                    {"provider": p, "switches": self.count(switch_key(side="from", provider=p))}
                    for p in self.providers
                ],
                "to": [
                    {"provider": p, "switches": self.count(switch_key(side="to", provider=p))}
                    for p in self.providers
                ],
                "reasons": [
                    {
                        "reason": row.key,
                        "switches": row.total,
                        "from_providers": [
                            {"provider": p, "switches": n}
                            for p, n in zip(self.providers, row.per_provider, strict=True)
                        ],
                    }
                    for row in self.reason_rows()
                ],
            },
        }


def _row_dict(row: ChoiceRow) -> dict[str, object]:
    return {
        "category": row.key.split(":", 1)[1] if ":" in row.key else None,
        "first_choices": row.total,
        "active": row.active,
        "default": row.default,
        "active_share": None if row.share is None else row.share.estimate,
    }
