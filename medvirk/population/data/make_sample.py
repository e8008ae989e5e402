"""Generate Medvirk's fictional sample population tables in SSB's JSON-stat2 response format.

FIKTIVE TALL: every number here is invented by Medvirk (seeded, reproducible) for the demo
municipalities "Eksempel kommune" (9999, districts 999901–999905) and "Prøvestad kommune"
(9998). Only the *structure* follows what Statistics Norway's statbank API returns for tables
07459, 10826 and 09817 (dimension ids, code conventions, ``role``, ``extension.px``), so the
importer can be exercised end to end without network access. The numbers are internally
consistent: district figures sum exactly to the municipality figures in all three files.

Run from the repository root to regenerate the committed files::

    .venv/bin/python -m medvirk.population.data.make_sample
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from medvirk.common.dimensions import (
    DEMO_DISTRICTS,
    DEMO_MUNICIPALITY_CODE,
    SECOND_DEMO_MUNICIPALITY_CODE,
)

SEED = 2026
YEAR = "2026"
DATA_DIR = Path(__file__).resolve().parent
FICTION_NOTE = "Fiktive tall for Eksempel kommune, laget av Medvirk"
FICTION_DETAIL = (
    f"{FICTION_NOTE}. Tallene er oppdiktet og er ikke statistikk fra Statistisk sentralbyrå; "
    "bare formatet følger SSBs JSON-stat2-svar. Generert av "
    "medvirk/population/data/make_sample.py."
)
SOURCE = "Statistisk sentralbyrå"
UPDATED = "2026-02-20T07:00:00Z"

MUNICIPALITY_LABELS = {
    DEMO_MUNICIPALITY_CODE: "Eksempel kommune",
    SECOND_DEMO_MUNICIPALITY_CODE: "Prøvestad kommune",
}
# Target populations (before noise). Sentrum is young with many immigrants, Vest is older.
DISTRICT_TARGETS = {
    "999901": 13_200,  # Nord: families with children
    "999902": 12_400,  # Sør: average
    "999903": 13_900,  # Øst: young families, many immigrants
    "999904": 10_600,  # Vest: older, detached houses
    "999905": 9_900,  # Sentrum: students and young adults
}
PROVESTAD_TARGET = 12_300
MAX_AGE = 105  # "105+" is the open top category, as in SSB table 07459

SEXES = {"1": "Menn", "2": "Kvinner"}
AGE_GROUPS: tuple[tuple[str, str, int, int | None], ...] = (
    ("000-005", "0-5 år", 0, 5),
    ("006-015", "6-15 år", 6, 15),
    ("016-019", "16-19 år", 16, 19),
    ("020-024", "20-24 år", 20, 24),
    ("025-034", "25-34 år", 25, 34),
    ("035-044", "35-44 år", 35, 44),
    ("045-054", "45-54 år", 45, 54),
    ("055-066", "55-66 år", 55, 66),
    ("067-079", "67-79 år", 67, 79),
    ("080-089", "80-89 år", 80, 89),
    ("090+", "90 år eller eldre", 90, None),
)
IMMIGRANT_CATEGORIES = {"B": "Innvandrere", "C": "Norskfødte med innvandrerforeldre"}
# Top country backgrounds (SSB country codes; verify against the table's metadata).
COUNTRIES = {
    "131": "Polen",
    "136": "Litauen",
    "564": "Syria",
    "346": "Somalia",
    "106": "Sverige",
    "148": "Ukraina",
    "241": "Eritrea",
    "452": "Irak",
    "144": "Tyskland",
    "534": "Pakistan",
}
# Relative weights per country for immigrants (B) and Norwegian-born to immigrants (C).
COUNTRY_WEIGHTS_B = dict(zip(COUNTRIES, (18, 7, 8, 5, 6, 9, 4, 4, 4, 3), strict=True))
COUNTRY_WEIGHTS_C = dict(zip(COUNTRIES, (14, 5, 7, 12, 1, 3, 5, 9, 1, 12), strict=True))
TOP_COUNTRY_SHARE = 0.62  # the ten groups hold this share; everyone else is only in "999"
# Share of each district's population that are immigrants (B) / born to immigrants (C).
IMMIGRANT_SHARES = {
    "999901": (0.14, 0.035),
    "999902": (0.12, 0.030),
    "999903": (0.17, 0.050),
    "999904": (0.08, 0.015),
    "999905": (0.27, 0.065),
    SECOND_DEMO_MUNICIPALITY_CODE: (0.09, 0.015),
}


def age_code(age: int) -> str:
    """Return SSB's one-year age code: ``"000"``..``"104"`` and ``"105+"``."""
    return f"{age:03d}" if age < MAX_AGE else f"{MAX_AGE}+"


def age_label(age: int) -> str:
    """Return SSB's bokmål label for a one-year age code."""
    return f"{age} år" if age < MAX_AGE else f"{MAX_AGE} år eller eldre"


def _base_weight(age: int) -> float:
    """Return a Norwegian-looking age pyramid weight: flat to ~70, then declining."""
    if age < 70:
        return 1.0 + 0.08 * math.sin(age / 9)
    return (1.0 + 0.08 * math.sin(70 / 9)) * math.exp(-(((age - 70) / 13) ** 2))


def _profile(district: str, age: int) -> float:
    """Return a district-specific multiplier on the base pyramid."""
    bump = {
        "999901": 1 + 0.35 * _bell(age, 8, 7) + 0.25 * _bell(age, 42, 8),
        "999902": 1.0,
        "999903": 1 + 0.25 * _bell(age, 4, 5) + 0.3 * _bell(age, 32, 8),
        "999904": 0.8 + 0.6 * _bell(age, 68, 12),
        "999905": 0.35 + 2.4 * _bell(age, 27, 6) - 0.15 * _bell(age, 80, 10),
        SECOND_DEMO_MUNICIPALITY_CODE: 0.85 + 0.45 * _bell(age, 64, 14),
    }[district]
    return max(bump, 0.05)


def _bell(x: float, mu: float, sigma: float) -> float:
    return math.exp(-(((x - mu) / sigma) ** 2) / 2)


def _male_share(age: int) -> float:
    """Return the share of men: slightly above half when young, a minority at high ages."""
    return 0.515 if age < 60 else max(0.3, 0.515 - (age - 60) * 0.006)


def one_year_population(rng: random.Random, area: str, target: int) -> dict[tuple[str, int], int]:
    """Return (sex code, age) → persons for one area, about ``target`` in total."""
    weights = {a: _base_weight(a) * _profile(area, a) for a in range(MAX_AGE + 1)}
    scale = target / sum(weights.values())
    out: dict[tuple[str, int], int] = {}
    for age, w in weights.items():
        expected = w * scale
        for sex, share in (("1", _male_share(age)), ("2", 1 - _male_share(age))):
            mean = expected * share
            noisy = mean * rng.gauss(1.0, 0.06) if mean > 5 else mean + rng.uniform(-1, 1)
            out[(sex, age)] = max(0, round(noisy))
    return out


def _dimension(label: str, codes: dict[str, str], extra: dict[str, Any] | None = None) -> dict:
    dim: dict[str, Any] = {
        "label": label,
        "category": {
            "index": {c: i for i, c in enumerate(codes)},
            "label": dict(codes),
        },
    }
    if extra:
        dim["category"].update(extra)
    return dim


def _dataset(
    table_id: str,
    title: str,
    dims: dict[str, dict],
    values: Sequence[float | int | None],
    status: dict[str, str] | None = None,
) -> dict[str, Any]:
    size = [len(d["category"]["index"]) for d in dims.values()]
    assert math.prod(size) == len(values)
    out: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table_id}: {title}. {FICTION_NOTE}",
        "source": SOURCE,
        "updated": UPDATED,
        "note": [FICTION_DETAIL],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": list(dims),
        "size": size,
        "dimension": dims,
        "extension": {
            "px": {
                "infofile": "None",
                "tableid": table_id,
                "decimals": 0,
                "official-statistics": False,
                "aggregallowed": True,
                "language": "no",
                "contents": f"{table_id}: {title}",
                "matrix": f"Medvirk{table_id}",
                "subject-code": "be",
            },
            "medvirk": {
                "fictitious": True,
                "note": FICTION_NOTE,
                "generator": "medvirk/population/data/make_sample.py",
                "seed": SEED,
                "credit": "Kilde: Statistisk sentralbyrå (format); tallene er fiktive",
                "licence": "CC BY 4.0",
            },
        },
        "value": values,
    }
    if status:
        out["status"] = status
    return out


def _contents(codes: dict[str, tuple[str, str, int]]) -> dict:
    return _dimension(
        "statistikkvariabel",
        {c: lab for c, (lab, _base, _dec) in codes.items()},
        {"unit": {c: {"base": base, "decimals": dec} for c, (_lab, base, dec) in codes.items()}},
    )


def build_all() -> dict[str, str]:
    """Build every sample file; return file name → file text (deterministic for SEED)."""
    rng = random.Random(SEED)
    districts = {d: one_year_population(rng, d, t) for d, t in DISTRICT_TARGETS.items()}
    provestad = one_year_population(rng, SECOND_DEMO_MUNICIPALITY_CODE, PROVESTAD_TARGET)
    eksempel = {k: sum(pop[k] for pop in districts.values()) for k in next(iter(districts.values()))}
    by_region = {DEMO_MUNICIPALITY_CODE: eksempel, SECOND_DEMO_MUNICIPALITY_CODE: provestad}
    ages = range(MAX_AGE + 1)
    tid = _dimension("år", {YEAR: YEAR})
    files: dict[str, str] = {}

    # 07459: Region × Kjonn × Alder (one-year) × ContentsCode × Tid
    values_07459 = [
        by_region[r][(s, a)] for r in by_region for s in SEXES for a in ages
    ]  # fmt: skip
    dims_07459 = {
        "Region": _dimension("region", {r: MUNICIPALITY_LABELS[r] for r in by_region}),
        "Kjonn": _dimension("kjønn", SEXES),
        "Alder": _dimension("alder", {age_code(a): age_label(a) for a in ages}),
        "ContentsCode": _contents({"Personer1": ("Personer", "personer", 0)}),
        "Tid": tid,
    }
    files["07459_eksempel.json"] = _dump(
        _dataset(
            "07459",
            "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
            dims_07459,
            values_07459,
        )
    )

    # 10826: districts (and the municipality total) × Kjonn × age groups
    regions_10826 = {DEMO_MUNICIPALITY_CODE: MUNICIPALITY_LABELS[DEMO_MUNICIPALITY_CODE]}
    regions_10826.update(DEMO_DISTRICTS)
    grouped: dict[str, dict[tuple[str, str], int]] = {}
    for region in regions_10826:
        pop = eksempel if region == DEMO_MUNICIPALITY_CODE else districts[region]
        grouped[region] = {
            (s, code): sum(pop[(s, a)] for a in ages if a >= low and (high is None or a <= high))
            for s in SEXES
            for code, _lab, low, high in AGE_GROUPS
        }
    values_10826 = [grouped[r][(s, code)] for r in regions_10826 for s in SEXES for code, *_ in AGE_GROUPS]
    dims_10826 = {
        "Region": _dimension("bydel", regions_10826),
        "Kjonn": _dimension("kjønn", SEXES),
        "Alder": _dimension("alder", {code: lab for code, lab, *_ in AGE_GROUPS}),
        "ContentsCode": _contents({"Personer": ("Personer", "personer", 0)}),
        "Tid": tid,
    }
    files["10826_eksempel.json"] = _dump(
        _dataset(
            "10826",
            "Befolkning i bydeler, etter region, kjønn, alder, statistikkvariabel og år",
            dims_10826,
            values_10826,
        )
    )
    files["10826_eksempel.csv"] = _csv_export(regions_10826, grouped)

    # 09817: Region × InnvandrKat × Landbakgrunn × ContentsCode × Tid
    totals = {d: sum(p.values()) for d, p in districts.items()}
    totals[SECOND_DEMO_MUNICIPALITY_CODE] = sum(provestad.values())
    counts: dict[str, dict[tuple[str, str], int]] = {}
    for area in [*DEMO_DISTRICTS, SECOND_DEMO_MUNICIPALITY_CODE]:
        share_b, share_c = IMMIGRANT_SHARES[area]
        counts[area] = {}
        for cat, share, weights in (
            ("B", share_b, COUNTRY_WEIGHTS_B),
            ("C", share_c, COUNTRY_WEIGHTS_C),
        ):
            total = round(totals[area] * share * rng.gauss(1.0, 0.03))
            counts[area][(cat, "999")] = total
            wsum = sum(weights.values())
            for country, w in weights.items():
                expected = total * TOP_COUNTRY_SHARE * w / wsum
                counts[area][(cat, country)] = max(0, round(expected * rng.gauss(1.0, 0.15)))
    counts[DEMO_MUNICIPALITY_CODE] = {k: sum(counts[d][k] for d in DEMO_DISTRICTS) for k in counts["999901"]}
    totals[DEMO_MUNICIPALITY_CODE] = sum(eksempel.values())
    regions_09817 = {DEMO_MUNICIPALITY_CODE: MUNICIPALITY_LABELS[DEMO_MUNICIPALITY_CODE]}
    regions_09817.update(DEMO_DISTRICTS)
    regions_09817[SECOND_DEMO_MUNICIPALITY_CODE] = MUNICIPALITY_LABELS[SECOND_DEMO_MUNICIPALITY_CODE]
    countries = {"999": "Alle land", **COUNTRIES}
    contents = {
        "Personer1": ("Personer", "personer", 0),
        "AndelBefolkning": ("Andel av befolkningen", "prosent", 1),
    }
    values_09817: list[float | int | None] = []
    status: dict[str, str] = {}
    for region in regions_09817:
        for cat in IMMIGRANT_CATEGORIES:
            for country in countries:
                n = counts[region][(cat, country)]
                for content in contents:
                    small = region == SECOND_DEMO_MUNICIPALITY_CODE and 0 < n < 5
                    if small:  # fictional confidentiality rule, to exercise status ":"
                        status[str(len(values_09817))] = ":"
                        values_09817.append(None)
                    elif content == "Personer1":
                        values_09817.append(n)
                    else:
                        values_09817.append(round(100 * n / totals[region], 1))
    dims_09817 = {
        "Region": _dimension("region", regions_09817),
        "InnvandrKat": _dimension("innvandringskategori", IMMIGRANT_CATEGORIES),
        "Landbakgrunn": _dimension("landbakgrunn", countries),
        "ContentsCode": _contents(contents),
        "Tid": tid,
    }
    ds = _dataset(
        "09817",
        "Innvandrere og norskfødte med innvandrerforeldre, etter region, innvandringskategori, "
        "landbakgrunn, statistikkvariabel og år",
        dims_09817,
        values_09817,
        status,
    )
    ds["note"].append("SSBs tabell 09817 har ikke bydelstall; bydelene her er et fiktivt tillegg for demoen.")
    files["09817_eksempel.json"] = _dump(ds)
    return files


def _csv_export(regions: dict[str, str], grouped: dict[str, dict[tuple[str, str], int]]) -> str:
    """Return 10826 as SSB's statbank CSV with codes and texts (title line, ';', BOM-less)."""
    buf = io.StringIO()
    buf.write(f'"10826: Befolkning i bydeler. {FICTION_NOTE}"\n\n')
    w = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(["region", "kjønn", "alder", f"Personer {YEAR}"])
    for r, rlab in regions.items():
        for s, slab in SEXES.items():
            for code, lab, *_ in AGE_GROUPS:
                n = grouped[r][(s, code)]
                w.writerow([f"{r} {rlab}", f"{s} {slab}", f"{code} {lab}", f"{n:,}".replace(",", " ")])
    return buf.getvalue()


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the sample files next to this script."""
    for name, text in build_all().items():
        (DATA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {DATA_DIR / name}")


if __name__ == "__main__":
    main()
