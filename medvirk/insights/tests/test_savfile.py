"""The streaming .sav writer: files read back (pyreadstat, and PSPP when installed) as written."""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest

from .. import savfile
from ..savfile import SavWriter, Variable
from .sav_reference import write_reference

NAN = float("nan")
TEXTS = [
    "",
    None,
    "Ålesund, Tromsø og Bodø",
    "مرحبا، الخدمة جيدة جدا",
    "  leading and trailing  ",
    "emoji 🙂 og «sitat»",
    "=1+2",
]
NUMBERS = [NAN, None, 0.0, -0.0, 1.0, 1.5, -99.0, -100.0, 151.0, 152.0, 99.0, 1e9, -3.25, 1e-300]

VARIABLES = [
    Variable("row", "Svarnummer", measure="scale"),
    Variable(
        "q_overall",
        "Hvor fornøyd er du alt i alt?",
        value_labels={1.0: "1 Svært misfornøyd", 6.0: "6 Svært fornøyd", 99.0: "Vet ikke"},
        missing=[99.0],
        measure="ordinal",
    ),
    Variable("q_channel", "كيف سمعت عنا؟", value_labels={1.0: "Venner", 2.0: "الموقع"}),
    Variable("q_used_a", "Hva har du brukt?: Kurs", value_labels={0.0: "Ikke valgt", 1.0: "Valgt"}),
    Variable("q_visits", "Antall besøk", measure="scale"),
    Variable("unit", "Enhet", numeric=False),
    Variable("q_why", "Hva kan bli bedre?", numeric=False),
    Variable("q_date", "Dato", numeric=False),
    Variable("empty", "", numeric=False),
]


def _random_rows(rng: random.Random, n: int) -> list[list[Any]]:
    def text() -> Any:
        kind = rng.random()
        if kind < 0.6:
            return rng.choice(TEXTS)
        words = ["æøå", "Velferd", "خدمة", "barnehage", "🙂", "x" * rng.randint(1, 40)]
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 300)))  # up to ~3,000 bytes

    return [
        [
            i + 1,
            rng.choice([1, 2, 3, 4, 5, 6, 99, NAN]),
            rng.choice([1.0, 2.0, NAN]),
            rng.choice([0.0, 1.0, NAN]),
            rng.choice(NUMBERS),
            rng.choice(["Solsikken barnehage", "Ærfuglen", "دار الحضانة"]),
            text(),
            rng.choice(["2026-11-25", ""]),
            rng.choice(["", None]),
        ]
        for i in range(n)
    ]


def _write(
    path: Path, variables: list[Variable], rows: list[list[Any]], rng: random.Random | None = None
) -> None:
    with SavWriter(variables, file_label="Brukerundersøkelse 2026") as writer, open(path, "wb") as out:
        start = 0
        while start < len(rows):  # batches of uneven sizes
            size = rng.randint(1, 700) if rng else 500
            batch = rows[start : start + size]
            writer.add([[row[i] for row in batch] for i in range(len(variables))])
            start += size
        assert writer.write(out) == len(rows)


def _reference_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[NAN if v is None and i < 5 else v for i, v in enumerate(row)] for row in rows]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_rows_read_back_like_the_pyreadstat_writer(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    rows = _random_rows(rng, rng.randint(1, 3000))
    _write(tmp_path / "new.sav", VARIABLES, rows, rng)
    write_reference(str(tmp_path / "old.sav"), VARIABLES, _reference_rows(rows), "Brukerundersøkelse 2026")
    new, meta = pyreadstat.read_sav(tmp_path / "new.sav", user_missing=True)
    old, ref = pyreadstat.read_sav(tmp_path / "old.sav", user_missing=True)
    pd.testing.assert_frame_equal(new, old)
    for attr in (
        "column_names",
        "column_labels",
        "variable_value_labels",
        "missing_ranges",
        "original_variable_types",
        "variable_display_width",
        "variable_alignment",
        "file_encoding",
        "file_label",
        "number_rows",
    ):
        assert getattr(meta, attr) == getattr(ref, attr), attr
    numeric = [v.name for v in VARIABLES if v.numeric]
    assert {k: meta.variable_measure[k] for k in numeric} == {k: ref.variable_measure[k] for k in numeric}
    assert meta.variable_measure["q_why"] == "nominal"  # pyreadstat left strings "unknown"
    # and against the rows themselves, not only the reference
    for r, row in enumerate(rows):
        why = "" if row[6] is None else row[6].rstrip()
        assert new["q_why"][r] == why
        visits = NAN if row[4] is None else row[4]
        assert new["q_visits"][r] == visits or (math.isnan(visits) and math.isnan(new["q_visits"][r]))


def test_user_missing_is_missing_when_read_as_spss_would(tmp_path: Path) -> None:
    rows = [[i, v, 1.0, 0.0, 1.0, "", "", "", ""] for i, v in enumerate([1.0, 99.0, 5.0, NAN], start=1)]
    _write(tmp_path / "f.sav", VARIABLES, rows)
    frame, _meta = pyreadstat.read_sav(tmp_path / "f.sav", apply_value_formats=False)
    assert frame["q_overall"].mean() == pytest.approx(3.0)
    assert frame["q_overall"].count() == 2


def test_over_long_text_and_labels_are_cut_at_a_character(tmp_path: Path) -> None:
    variables = [
        Variable("n", "ø" * 200, value_labels={1.0: "å" * 100}),
        Variable("t", "tekst", numeric=False),
    ]
    rows = [[1.0, "æ" * 20_000], [2.0, "kort"]]
    _write(tmp_path / "f.sav", variables, rows)
    frame, meta = pyreadstat.read_sav(tmp_path / "f.sav")
    assert meta.column_labels[0] == "ø" * 127  # 254 of at most 255 bytes
    assert meta.variable_value_labels["n"] == {1.0: "å" * 60}  # 120 bytes
    assert meta.original_variable_types["t"] == "A32766"  # SPSS's maximum is 32,767 bytes
    assert list(frame["t"]) == ["æ" * 16_383, "kort"]


def test_no_cases(tmp_path: Path) -> None:
    _write(tmp_path / "f.sav", VARIABLES, [])
    frame, meta = pyreadstat.read_sav(tmp_path / "f.sav")
    assert meta.number_rows == 0 and list(frame.columns) == [v.name for v in VARIABLES]


def test_output_does_not_depend_on_the_chunk_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _random_rows(random.Random(7), 400)
    _write(tmp_path / "a.sav", VARIABLES, rows)
    monkeypatch.setattr(savfile, "CHUNK_UNITS", 1)  # one case at a time
    _write(tmp_path / "b.sav", VARIABLES, rows)
    header = 176  # holds the creation time
    assert (tmp_path / "a.sav").read_bytes()[header:] == (tmp_path / "b.sav").read_bytes()[header:]


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def _memory(cases: int) -> tuple[int, int, int]:
    """Return (memory held after adding, peak while writing, file size) for ``cases`` cases."""
    variables = [Variable(f"n{i}") for i in range(10)] + [Variable("t", numeric=False)]
    batch = [[float(i % 7) + 0.5] * 1000 for i in range(10)] + [["Svar på spørsmålet"] * 1000]
    tracemalloc.start()
    try:
        with SavWriter(variables) as writer:
            base = tracemalloc.get_traced_memory()[0]
            for _ in range(cases // 1000):
                writer.add(batch)
            held = tracemalloc.get_traced_memory()[0] - base
            tracemalloc.reset_peak()
            sink = _Sink()
            writer.write(sink)
            peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return held, peak, sink.size


def test_memory_does_not_grow_with_the_cases() -> None:
    small_held, small_peak, small_size = _memory(2_000)
    big_held, big_peak, big_size = _memory(40_000)
    assert big_size > 15 * small_size  # 20 times the cases, 20 times the file …
    assert big_held < small_held + 100_000  # … but not more memory to hold them
    assert big_peak < 1.5 * small_peak + 100_000


@pytest.mark.skipif(shutil.which("pspp-convert") is None, reason="PSPP is not installed")
def test_pspp_reads_the_file_without_warnings(tmp_path: Path) -> None:
    rows = _random_rows(random.Random(11), 300)
    _write(tmp_path / "f.sav", VARIABLES, rows)
    run = subprocess.run(
        ["pspp-convert", str(tmp_path / "f.sav"), str(tmp_path / "f.csv")], capture_output=True, text=True
    )
    assert run.returncode == 0 and not run.stderr, run.stderr
    with open(tmp_path / "f.csv", encoding="utf-8") as f:
        read = list(csv.reader(f))
    assert read[0] == [v.name for v in VARIABLES]
    for row, back in zip(rows, read[1:], strict=True):
        assert back[6].rstrip() == ("" if row[6] is None else row[6].rstrip())
        assert back[5] == row[5]
