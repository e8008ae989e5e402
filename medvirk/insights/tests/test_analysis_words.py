"""Every note the analysis core writes in English (why weighting, the ordinal check or the
R-indicator could not be worked out) reaches a page in plain words, translated (no database)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from medvirk.analysis import ordinal, representation, weighting
from medvirk.analysis.weighting import RakingError, rake
from medvirk.insights.analysis_words import in_words, outcomes_in_words
from medvirk.insights.equity_outcomes import OutcomeReport, Weighting

#: Where the core writes its notes: the calls and assignments whose text a page can show.
_WRITERS = {"RakingError", "_not_fitted"}
_NAMES = {"failure", "note"}


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
    """Return every note the core's weighting, ordinal check and representation can write."""
    notes = []
    for module in (weighting, ordinal, representation):
        tree = ast.parse(Path(module.__file__ or "").read_text())
        for node in ast.walk(tree):
            text = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in _WRITERS:
                text = next((a for a in node.args if isinstance(a, ast.Constant | ast.JoinedStr)), None)
            elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in _NAMES:
                text = node.value if isinstance(node.value, ast.Constant | ast.JoinedStr) else None
                if isinstance(node.value, ast.Constant) and node.value.value is None:
                    text = None
            if text is not None:
                notes.append(_sample(text))
    return notes


def test_every_note_of_the_core_is_said_in_plain_words_in_nb_nn_and_en() -> None:
    notes = core_notes()
    assert len(notes) >= 18 and any("raking did not converge" in n for n in notes)
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
