"""Instrument definitions (``medvirk-instrument/1``): items, answer scale, scoring, cut-off,
reliable change, direction and age versions. Pure Python, no Django.

An instrument is a *definition*, loaded per municipality. Medvirk ships full item texts only
where that is allowed (PHQ-9, GAD-7, and its own scales); licensed instruments (ORS, SRS, …) ship
as **scoring-only** definitions (``"texts": "licensed"``): keys, scale, scoring and thresholds,
with no item text. A licence holder pastes the texts into the municipality's copy
(:func:`with_texts`), the way CamCOPS handles instruments whose text institutions supply.

Format (JSON)::

    {"format": "medvirk-instrument/1", "key": "phq9", "version": "1",
     "name": {"en": "…"}, "purpose": "outcome" | "alliance",
     "texts": "included" | "licensed", "validated": true, "licence": {"en": "…"}, "source": "…",
     "direction": "lower_better" | "higher_better",
     "instructions": {"en": "…"},
     "response": {"type": "choice", "options": [{"value": 0, "label": {"en": "Not at all"}}, …]}
              | {"type": "vas", "min_label": {"en": "…"}, "max_label": {"en": "…"}},
     "items": [{"key": "phq9_1", "text": {"en": "…"}, "critical": false, "reverse": false}, …],
     "scoring": {"method": "sum" | "mean", "max_missing": 1},
     "versions": [{"key": "adult", "min_age": 18, "max_age": null, "cutoff": 10, "rci": 6}],
     "alerts": {"alliance_cutoff": 36, "alliance_drop": 3}}

Texts are ``{language code: text}``. A version may carry its own ``"texts"`` (``{language:
{item key or "_instructions"/"_min_label"/"_max_label": text}}``), e.g. the child version of an
outcome scale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medvirk.analysis.outcomes import Direction, ScoreMethod, ScoreRule, Thresholds

FORMAT = "medvirk-instrument/1"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PURPOSES = ("outcome", "alliance")
Text = Mapping[str, str]


class InstrumentError(ValueError):
    """A definition that does not follow the format; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Option:
    value: int
    label: Text


@dataclass(frozen=True, slots=True)
class Response:
    """How each item is answered: a choice among scored options, or a 0–10 line (VAS)."""

    type: str  # "choice" or "vas"
    options: tuple[Option, ...] = ()
    min_label: Text = field(default_factory=dict)
    max_label: Text = field(default_factory=dict)

    @property
    def item_min(self) -> float:
        return 0.0 if self.type == "vas" else float(min(o.value for o in self.options))

    @property
    def item_max(self) -> float:
        return 10.0 if self.type == "vas" else float(max(o.value for o in self.options))


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    text: Text
    critical: bool = False  # answered above the lowest value raises an alert (PHQ-9 item 9)
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class Version:
    """An age version: its ages, cut-off, reliable-change value and (optionally) its own texts."""

    key: str
    min_age: int | None
    max_age: int | None
    cutoff: float | None
    rci: float
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def fits(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True, slots=True)
class Instrument:
    key: str
    version: str
    name: Text
    purpose: str
    licensed: bool  # scoring-only: item texts come from the licence holder
    validated: bool
    licence: Text
    source: str
    direction: Direction
    instructions: Text
    response: Response
    items: tuple[Item, ...]
    method: ScoreMethod
    max_missing: int
    versions: tuple[Version, ...]
    alliance_cutoff: float | None = None
    alliance_drop: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # --- scoring ---------------------------------------------------------------------------

    @property
    def score_rule(self) -> ScoreRule:
        return ScoreRule(
            items=tuple(i.key for i in self.items),
            item_min=self.response.item_min,
            item_max=self.response.item_max,
            method=self.method,
            reverse=frozenset(i.key for i in self.items if i.reverse),
            max_missing=self.max_missing,
        )

    @property
    def scale(self) -> tuple[float, float]:
        rule = self.score_rule
        return rule.total_min, rule.total_max

    def version_for(self, age: int | None) -> Version:
        """Return the age version for a client of ``age`` (the first that fits, else the first)."""
        for version in self.versions:
            if version.fits(age):
                return version
        return self.versions[0]

    def get_version(self, key: str) -> Version:
        for version in self.versions:
            if version.key == key:
                return version
        return self.versions[0]

    def thresholds(self, version: Version) -> Thresholds:
        return Thresholds(self.direction, rci=version.rci, cutoff=version.cutoff)

    # --- texts -----------------------------------------------------------------------------

    def item_text(self, item: Item, version: Version, lang: str) -> tuple[str, str]:
        """Return (text, its language) of an item for ``lang``, falling back to any language it has."""
        return _pick({**item.text, **_version_texts(version, item.key)}, lang)

    def extra_text(self, name: str, version: Version, lang: str) -> tuple[str, str]:
        """Return (text, language) of ``_instructions``, ``_min_label`` or ``_max_label``."""
        base = {
            "_instructions": self.instructions,
            "_min_label": self.response.min_label,
            "_max_label": self.response.max_label,
        }[name]
        return _pick({**base, **_version_texts(version, name)}, lang)

    def option_label(self, option: Option, version: Version, lang: str) -> tuple[str, str]:
        """Return (label, language) of a choice option (pasted by a licence holder as ``_option_<value>``)."""
        return _pick({**option.label, **_version_texts(version, f"_option_{option.value}")}, lang)

    def text_keys(self) -> list[str]:
        """Return every key a licence holder may paste a text for (items, instruction, labels)."""
        keys = [i.key for i in self.items] + ["_instructions"]
        if self.response.type == "vas":
            keys += ["_min_label", "_max_label"]
        else:
            keys += [f"_option_{o.value}" for o in self.response.options]
        return keys

    def languages(self, version: Version) -> list[str]:
        """Return the languages in which every item of ``version`` has a text."""
        langs: set[str] | None = None
        for item in self.items:
            have = set(item.text) | {lang for lang, texts in version.texts.items() if texts.get(item.key)}
            langs = have if langs is None else langs & have
        return sorted(langs or ())

    def missing_texts(self, version: Version) -> list[str]:
        """Return the keys of items with no text in any language (a scoring-only copy not yet filled)."""
        missing = [item.key for item in self.items if not self.item_text(item, version, "nb")[0]]
        if self.response.type == "choice":
            missing += [
                f"_option_{o.value}"
                for o in self.response.options
                if not self.option_label(o, version, "nb")[0]
            ]
        return missing

    def ready(self) -> bool:
        """Return whether every version has a text for every item, so clients can answer it."""
        return all(not self.missing_texts(v) for v in self.versions)


def _version_texts(version: Version, key: str) -> dict[str, str]:
    return {lang: texts[key] for lang, texts in version.texts.items() if texts.get(key)}


FALLBACK_ORDER = ("nb", "nn", "en")


def _pick(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """Return the text in ``lang``, else nb/nn/en, else any; ("", "") when there is none."""
    for code in (lang, *FALLBACK_ORDER):
        if texts.get(code):
            return texts[code], code
    for code, text in sorted(texts.items()):
        if text:
            return text, code
    return "", ""


# --- parsing -----------------------------------------------------------------------------------


def _text(raw: Any, where: str, problems: list[str], *, required: bool = False) -> dict[str, str]:
    if raw is None or raw == {}:
        if required:
            problems.append(f"{where}: missing")
        return {}
    if isinstance(raw, str):
        return {"en": raw}
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        problems.append(f"{where}: must be {{language: text}}")
        return {}
    return {k: v.strip() for k, v in raw.items() if v.strip()}


def _number(raw: Any, where: str, problems: list[str], *, optional: bool = False) -> float | None:
    if raw is None and optional:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(f"{where}: must be a number")
        return None
    return float(raw)


def _age(raw: Any, where: str, problems: list[str]) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 130:
        problems.append(f"{where}: must be a whole age 0–130 or null")
        return None
    return raw


def parse_instrument(raw: Any) -> Instrument:
    """Return the instrument a JSON document defines; raise ``InstrumentError`` listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise InstrumentError(["the definition must be a JSON object"])
    if raw.get("format") != FORMAT:
        problems.append(f"format: must be {FORMAT!r}")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        problems.append("key: lower-case letters, digits and _, starting with a letter")
        key = ""
    version = str(raw.get("version") or "1")
    name = _text(raw.get("name"), "name", problems, required=True)
    purpose = raw.get("purpose")
    if purpose not in PURPOSES:
        problems.append(f"purpose: one of {', '.join(PURPOSES)}")
    texts_mode = raw.get("texts", "included")
    if texts_mode not in ("included", "licensed"):
        problems.append("texts: 'included' or 'licensed'")
    licensed = texts_mode == "licensed"
    try:
        direction = Direction(str(raw.get("direction")))
    except ValueError:
        problems.append("direction: 'higher_better' or 'lower_better'")
        direction = Direction.HIGHER_BETTER

    response_raw = raw.get("response") or {}
    response = Response("vas")
    if not isinstance(response_raw, Mapping) or response_raw.get("type") not in ("choice", "vas"):
        problems.append("response.type: 'choice' or 'vas'")
    elif response_raw["type"] == "choice":
        options = []
        for n, opt in enumerate(response_raw.get("options") or []):
            value = opt.get("value") if isinstance(opt, Mapping) else None
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"response.options[{n}].value: a whole number")
                continue
            options.append(Option(value, _text(opt.get("label"), f"response.options[{n}].label", problems)))
        if len(options) < 2 or len({o.value for o in options}) != len(options):
            problems.append("response.options: at least two options with different values")
        response = Response("choice", tuple(options))
    else:
        response = Response(
            "vas",
            min_label=_text(response_raw.get("min_label"), "response.min_label", problems),
            max_label=_text(response_raw.get("max_label"), "response.max_label", problems),
        )

    items = []
    seen: set[str] = set()
    for n, item in enumerate(raw.get("items") or []):
        where = f"items[{n}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        item_key = item.get("key")
        if not isinstance(item_key, str) or not KEY_RE.match(item_key) or item_key in seen:
            problems.append(f"{where}.key: a new key of lower-case letters, digits and _")
            continue
        seen.add(item_key)
        text = _text(item.get("text"), f"{where}.text", problems)
        if licensed and text:
            problems.append(f"{where}.text: a scoring-only (licensed) definition ships no item text")
        if not licensed and not text:
            problems.append(f"{where}.text: missing")
        items.append(Item(item_key, text, bool(item.get("critical")), bool(item.get("reverse"))))
    if not items:
        problems.append("items: at least one")

    scoring = raw.get("scoring") or {}
    try:
        method = ScoreMethod(scoring.get("method", "sum"))
    except ValueError:
        problems.append("scoring.method: 'sum' or 'mean'")
        method = ScoreMethod.SUM
    max_missing = scoring.get("max_missing", 0)
    if (
        isinstance(max_missing, bool)
        or not isinstance(max_missing, int)
        or not 0 <= max_missing < max(len(items), 1)
    ):
        problems.append("scoring.max_missing: a whole number below the number of items")
        max_missing = 0

    versions = []
    for n, v in enumerate(raw.get("versions") or []):
        where = f"versions[{n}]"
        if not isinstance(v, Mapping) or not isinstance(v.get("key"), str) or not KEY_RE.match(v["key"]):
            problems.append(f"{where}.key: lower-case letters, digits and _")
            continue
        rci = _number(v.get("rci"), f"{where}.rci", problems)
        if rci is not None and rci <= 0:
            problems.append(f"{where}.rci: must be above 0")
        vtexts = v.get("texts") or {}
        if not isinstance(vtexts, Mapping) or not all(isinstance(t, Mapping) for t in vtexts.values()):
            problems.append(f"{where}.texts: {{language: {{item key: text}}}}")
            vtexts = {}
        if licensed and any(vtexts.values()):
            problems.append(f"{where}.texts: a scoring-only (licensed) definition ships no texts")
        versions.append(
            Version(
                v["key"],
                _age(v.get("min_age"), f"{where}.min_age", problems),
                _age(v.get("max_age"), f"{where}.max_age", problems),
                _number(v.get("cutoff"), f"{where}.cutoff", problems, optional=True),
                rci or 1.0,
                {lang: dict(t) for lang, t in vtexts.items()},
            )
        )
    if not versions:
        problems.append("versions: at least one (with its reliable-change value)")
    alerts = raw.get("alerts") or {}
    if problems:
        raise InstrumentError(problems)
    return Instrument(
        key=key,
        version=version,
        name=name,
        purpose=str(purpose),
        licensed=licensed,
        validated=bool(raw.get("validated", False)),
        licence=_text(raw.get("licence"), "licence", problems),
        source=str(raw.get("source") or ""),
        direction=direction,
        instructions=_text(raw.get("instructions"), "instructions", problems),
        response=response,
        items=tuple(items),
        method=method,
        max_missing=max_missing,
        versions=tuple(versions),
        alliance_cutoff=_number(alerts.get("alliance_cutoff"), "alerts", [], optional=True),
        alliance_drop=_number(alerts.get("alliance_drop"), "alerts", [], optional=True),
        raw=raw,
    )


def with_texts(instrument: Instrument, pasted: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Instrument:
    """Return the instrument with a licence holder's texts: ``{version key: {language: {key: text}}}``.

    Keys are those of :meth:`Instrument.text_keys`. Texts of unknown
    versions or keys are ignored (they cannot be shown anywhere).
    """
    if not pasted:
        return instrument
    allowed = set(instrument.text_keys())
    versions = []
    for version in instrument.versions:
        merged: dict[str, dict[str, str]] = {lang: dict(t) for lang, t in version.texts.items()}
        for lang, texts in (pasted.get(version.key) or {}).items():
            for k, text in texts.items():
                if k in allowed and text.strip():
                    merged.setdefault(lang, {})[k] = text.strip()
        versions.append(
            Version(version.key, version.min_age, version.max_age, version.cutoff, version.rci, merged)
        )
    return Instrument(
        **{
            **{f: getattr(instrument, f) for f in instrument.__dataclass_fields__},
            "versions": tuple(versions),
        }
    )
