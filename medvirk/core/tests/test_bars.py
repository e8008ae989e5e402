"""The bar chart of the panel, participation and comparison reports: its two layouts and its markup."""

from __future__ import annotations

import itertools
import re

from django.template.loader import render_to_string

from medvirk.core.bars import BAR_MAX, NARROW, WIDE, Bar, bar_chart

PLAIN = {"": [Bar("Kvinner", 1.0, "0,400"), Bar("Menn", 0.5, "0,200"), Bar("Ikke oppgitt", 0.0, "0,000")]}
GROUPED = {
    "Brukerstyring": [Bar("Eksempel kommune", 1.0, "4"), Bar("Prøvestad kommune", 0.25, "1")],
    "Dialog": [Bar("Eksempel kommune", 0.0, "0"), Bar("Prøvestad kommune", 0.5, "2")],
}


def test_a_bar_is_as_long_as_its_share_of_the_longest_possible() -> None:
    wide, narrow = bar_chart("g", PLAIN).layouts
    assert (wide.name, narrow.name) == (WIDE.name, NARROW.name)
    for layout in (wide, narrow):
        assert [m.width for m in layout.bars] == [BAR_MAX, BAR_MAX // 2, 0]
        # The value follows the end of its bar.
        assert all(m.text_x > layout.bar_x + m.width for m in layout.bars)
    clamped = bar_chart("g", {"": [Bar("a", 1.7, ""), Bar("b", -0.2, "")]}).layouts[0]
    assert [m.width for m in clamped.bars] == [BAR_MAX, 0]


def test_wide_puts_the_label_beside_its_bar_and_narrow_above_it() -> None:
    wide, narrow = bar_chart("g", PLAIN).layouts
    for mark in wide.bars:
        assert mark.label_y == mark.text_y  # label, bar and value on one line
        assert mark.bar_y < mark.label_y < mark.bar_y + WIDE.bar_height
    for mark in narrow.bars:
        assert mark.label_y < mark.bar_y < mark.text_y  # the label's line, then the bar and its value
    for layout in (wide, narrow):
        g = layout
        tops = [m.bar_y for m in layout.bars]
        assert all(b - a >= g.bar_height for a, b in itertools.pairwise(tops))  # no overlap
        assert layout.height > tops[-1] + g.bar_height  # the last bar is inside the drawing


def test_a_heading_stands_above_its_group_of_bars() -> None:
    for layout in bar_chart("g", GROUPED).layouts:
        labels = [(m.label, m.heading) for m in layout.bars]
        assert labels == [
            ("Brukerstyring", True),
            ("Eksempel kommune", False),
            ("Prøvestad kommune", False),
            ("Dialog", True),
            ("Eksempel kommune", False),
            ("Prøvestad kommune", False),
        ]
        ys = [m.label_y for m in layout.bars]
        assert ys == sorted(ys) and len(set(ys)) == len(ys)
        assert layout.height > max(m.bar_y for m in layout.bars) + layout.bar_height


def test_the_page_draws_both_layouts_with_one_description() -> None:
    html = render_to_string("core/_bars.html", {"chart": bar_chart("g-gender", PLAIN), "title": "Sjanse"})
    assert re.findall(r'class="mv-chart mv-bars mv-chart--(\w+)"', html) == ["wide", "narrow"]
    assert re.findall(r'<title id="([\w-]+)">Sjanse</title>', html) == [
        "g-gender-wide-title",
        "g-gender-narrow-title",
    ]
    assert html.count("<desc") == 1
    assert '<desc id="g-gender-desc">Kvinner: 0,400. Menn: 0,200. Ikke oppgitt: 0,000.</desc>' in html
    assert html.count('aria-labelledby="g-gender-wide-title g-gender-desc"') == 1
    assert html.count("<rect") == 6  # three bars in each layout
    grouped = render_to_string("core/_bars.html", {"chart": bar_chart("cmp", GROUPED), "title": "T"})
    assert "Brukerstyring: Eksempel kommune 4, Prøvestad kommune 1. Dialog: Eksempel kommune 0, " in grouped
    assert grouped.count('font-weight="bold"') == 4  # two headings in each layout


def test_a_long_label_is_cut_shorter_in_the_wide_layout() -> None:
    name = "Innvandrere fra Afrika, Asia, Latin-Amerika"  # 43 characters
    html = render_to_string(
        "core/_bars.html", {"chart": bar_chart("g", {"": [Bar(name, 0.5, "1")]}), "title": "T"}
    )
    labels = re.findall(r'<text x="0" y="\d+" font-size="\d+" fill="#1a1a1a">([^<]*)</text>', html)
    assert labels == [name[: WIDE.label_chars - 1] + "…", name[: NARROW.label_chars - 1] + "…"]
