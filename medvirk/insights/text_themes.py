"""Free-text themes: lexical clusters of a unit's masked answers, small themes folded into "Other".

Themes are only formed when the group's answers may be listed at all (the free-text threshold,
default 8) and there are at least that many answers. A theme with fewer answers than the
threshold is not shown on its own but counted in "Other", so no theme speaks for fewer people
than the free-text list itself. Clustering runs on the masked texts, so labels and examples
never contain an e-mail address, phone or national identity number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from medvirk.analysis.text import cluster_themes, without_placeholders

from .questions import TextQuestionInfo
from .tables import SurveyResults, TextFigures

EXAMPLES = 3


@dataclass(frozen=True)
class TextTheme:
    label: str  # key words joined with commas; "" for "Other"
    keywords: tuple[str, ...]
    count: int
    examples: tuple[str, ...]

    @property
    def other(self) -> bool:
        return not self.keywords


@dataclass(frozen=True)
class TextThemes:
    total: int
    themes: tuple[TextTheme, ...]  # largest first, "Other" (if any) last


def _examples(answers: Sequence[str], members: Iterable[int]) -> tuple[str, ...]:
    """Return up to ``EXAMPLES`` different answers, in answer order."""
    out: list[str] = []
    for i in sorted(members):
        if answers[i] not in out:
            out.append(answers[i])
            if len(out) == EXAMPLES:
                break
    return tuple(out)


def themes_from_answers(answers: Sequence[str], threshold: int) -> TextThemes | None:
    """Cluster already masked answers; ``None`` when there are fewer than ``threshold``."""
    if len(answers) < threshold:
        return None
    # The mask placeholders would otherwise pull every masked answer into one theme.
    result = cluster_themes([without_placeholders(a) for a in answers])
    themes: list[TextTheme] = []
    other: list[int] = list(result.unclustered)
    for theme in result.themes:
        if theme.size < threshold:
            other.extend(theme.members)
            continue
        examples = _examples(answers, theme.members)
        themes.append(TextTheme(theme.label, theme.keywords, theme.size, examples))
    if not themes:
        return TextThemes(len(answers), ())
    if other:
        themes.append(TextTheme("", (), len(other), _examples(answers, other)))
    return TextThemes(len(answers), tuple(themes))


def text_themes(
    results: SurveyResults,
    user: Any,
    question: TextQuestionInfo,
    node_id: int,
    texts: TextFigures | None = None,
) -> TextThemes | None:
    """Return the themes of a unit's answers to ``question`` (all answers, not a search's hits)."""
    figures = texts if texts is not None else results.texts(user, question, node_id)
    if not figures.shown:
        return None
    return themes_from_answers(figures.answers, results.policy.text_threshold)
