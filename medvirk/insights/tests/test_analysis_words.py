"""Every note the analysis core writes in English (why weighting, the ordinal check or the
R-indicator could not be worked out, why a gap is not marked) reaches a page and the API in plain
words, translated (no database)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from medvirk.analysis import gaps, ordinal, representation, weighting
from medvirk.analysis.weighting import RakingError, rake
from medvirk.insights.analysis_words import in_words, outcomes_in_words
from medvirk.insights.equity_outcomes import GapRow, OutcomeReport, Weighting

#: Where the core writes its notes: the calls and assignments whose text a page can show.
_WRITERS = {"RakingError", "_not_fitted"}
_NAMES = {"failure", "note", "reason"}


def _sample(node: ast.expr) -> str:
    """Return the text a string or f-string gives, with a plausible value for each placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    assert isinstance(node, ast.JoinedStr), ast.dump(node)
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
        else:
            assert isinstance(part, ast.FormattedValue)
            source = ast.unparse(part.value)
            parts.append("[1, 2]" if "tolist" in source else "boom" if source == "exc" else "3")
    return "".join(parts)


def core_notes() -> list[str]:
    """Return every note the core's weighting, ordinal check, representation and gaps can write."""
    notes = []
    for module in (weighting, ordinal, representation, gaps):
        tree = ast.parse(Path(module.__file__ or "").read_text())
        for node in ast.walk(tree):
            text = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in _WRITERS:
                text = next((a for a in node.args if isinstance(a, ast.Constant | ast.JoinedStr)), None)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if getattr(target, "id", None) in _NAMES:
                    text = node.value if isinstance(node.value, ast.Constant | ast.JoinedStr) else None
                    if isinstance(node.value, ast.Constant) and not isinstance(node.value.value, str):
                        text = None
            if text is not None:
                notes.append(_sample(text))
    return notes


def test_every_note_of_the_core_is_said_in_plain_words_in_nb_nn_and_en() -> None:
    notes = core_notes()
    assert len(notes) >= 22 and any("raking did not converge" in n for n in notes)
    assert "corrected interval includes zero" in notes  # a gap's reason (gaps.py)
    for note in notes:
        said = {}
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                said[language] = in_words(note)
        assert note not in said["en"], note  # rewritten for a coordinator, not the analyst's words
        assert said["nb"] != said["en"] and said["nn"] != said["en"], note  # and translated


def test_the_note_raking_writes_is_the_one_the_page_translates() -> None:
    """The real text, not a copy: rake margins that cannot meet in one sweep."""
    with pytest.raises(RakingError) as failed:
        rake([np.array([0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 1])], [[4, 6], [7, 3]], max_iter=1)
    note = f"Vektingen etter kjønn og alder mislyktes: {failed.value}"
    outcomes = OutcomeReport([], [], Weighting(["gender"], 5, 0, note=note), 0.5, 5)
    with translation.override("nb"):
        shown = outcomes_in_words(outcomes).weighting.note
    assert "raking" not in shown and shown.startswith("Vektingen etter kjønn og alder mislyktes: svarene")
    assert outcomes.weighting.note == note  # the report made ahead is left as it was


def test_a_gaps_reason_is_said_in_words_with_its_size_in_percentage_points() -> None:
    """The equity API sent why a gap is not marked as the core wrote it."""
    gaps = [
        GapRow("gender", "", "female", "", "q", "", 9, 0.5, 0.45, 0.05, (0.0, 0.1), 0.2, False, reason)
        for reason in ("corrected interval includes zero", "smaller than the practical size 0.1")
    ]
    with translation.override("nb"):
        shown = outcomes_in_words(OutcomeReport(gaps, [], None, 0.1, 5)).gaps
    assert [g.reason for g in shown] == [
        "forskjellen kan være tilfeldig",
        "forskjellen er mindre enn 10 prosentpoeng",
    ]
