"""The shared page pieces: ``{% postform %}`` (every page's posted form), ``{% listtable %}`` (a
staff list table) and ``{% page_title %}`` (the title block said again as ``core/page.html``'s
heading)."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import translation

LIBRARIES = {
    "i18n": "django.templatetags.i18n",
    "postform": "medvirk.core.templatetags.postform",
    "listtable": "medvirk.core.templatetags.listtable",
    "pages": "medvirk.core.templatetags.pages",
}


def _engine(templates: dict[str, str] | None = None) -> Engine:
    loaders = [
        ("django.template.loaders.locmem.Loader", templates or {}),
        "django.template.loaders.app_directories.Loader",
    ]
    return Engine(loaders=loaders, libraries=LIBRARIES)


def _render(source: str, **context: object) -> str:
    with translation.override("en"):
        return Template("{% load i18n postform listtable %}" + source, engine=_engine()).render(
            Context(context)
        )


def test_postform_defaults_to_the_form_and_save() -> None:
    html = _render("{% postform %}{% endpostform %}", form="FIELDS", csrf_token="tok")
    assert '<form class="mv-form" method="post" novalidate>' in html  # no enctype: sends no files
    assert 'name="csrfmiddlewaretoken" value="tok"' in html
    assert "FIELDS" in html
    assert '<button class="ds-button" type="submit">Save</button>' in html
    assert "ds-link" not in html


def test_postform_states_button_link_and_width() -> None:
    source = '{% postform submit=_("Send") cancel=back cancel_label=_("Back") narrow=True %}{% endpostform %}'
    html = _render(source, form="", back="/x/?a=1&b=2")
    assert 'class="mv-form mv-form--narrow"' in html
    assert '<button class="ds-button" type="submit">Send</button>' in html
    assert '<a class="ds-link" href="/x/?a=1&amp;b=2">Back</a>' in html


def test_postform_link_defaults_to_cancel_and_a_wide_upload_form() -> None:
    html = _render("{% postform cancel=back wide=True upload=True %}{% endpostform %}", back="/x/")
    assert (
        '<form class="mv-form mv-form--wide" method="post" enctype="multipart/form-data" novalidate>' in html
    )
    assert '<a class="ds-link" href="/x/">Cancel</a>' in html


def test_postform_body_is_rendered_in_the_page_context_and_actions_follow_the_button() -> None:
    source = (
        "{% postform %}<p>{{ hint }}</p>{% postform_actions %}<a href='/more'>{{ more }}</a>{% endpostform %}"
    )
    html = _render(source, form="NOT SHOWN", hint="Fields <here>", more="More")
    assert "<p>Fields &lt;here&gt;</p>" in html
    assert "NOT SHOWN" not in html
    assert html.index("</button>") < html.index("<a href='/more'>More</a>") < html.index("</div>")


def test_postform_refuses_an_unknown_option() -> None:
    with pytest.raises(TemplateSyntaxError, match="postform takes"):
        _render("{% postform label='x' %}{% endpostform %}")


def test_page_title_repeats_the_pages_title_block() -> None:
    engine = _engine(
        {
            "base": "{% load pages %}<title>{% block title %}{% endblock %}</title>"
            "<h1>{% block heading %}{% page_title %}{% endblock %}</h1>",
            "middle": '{% extends "base" %}',
            "child": '{% extends "middle" %}{% block title %}Hello {{ name }}{% endblock %}',
            "other": '{% extends "middle" %}{% block title %}Hello{% endblock %}'
            "{% block heading %}Other{% endblock %}",
        }
    )
    assert (
        engine.get_template("child").render(Context({"name": "<b>"}))
        == "<title>Hello &lt;b&gt;</title><h1>Hello &lt;b&gt;</h1>"
    )
    assert engine.get_template("other").render(Context()) == "<title>Hello</title><h1>Other</h1>"
    assert engine.get_template("base").render(Context()) == "<title></title><h1></h1>"


def test_postform_body_that_renders_nothing_stays_empty() -> None:
    html = _render(
        "{% postform %}{% if shown %}<p>x</p>{% endif %}{% endpostform %}", form="WHOLE FORM", shown=False
    )
    assert "WHOLE FORM" not in html
    assert "<p>x</p>" not in html


def test_listtable_labels_its_scroll_region_by_its_caption_and_says_when_it_is_empty() -> None:
    source = (
        '{% listtable _("When") "Who" id="log-caption" caption=_("Changes") empty_row="None." border=True %}'
        "{% for row in rows %}<tr><td>{{ row }}</td><td>x</td></tr>{% endfor %}{% endlisttable %}"
    )
    html = " ".join(_render(source, rows=[]).split())
    assert '<div class="mv-table-wrap" role="region" tabindex="0" aria-labelledby="log-caption">' in html
    assert '<table class="ds-table mv-stack" role="table" data-border>' in html
    assert '<caption id="log-caption">Changes</caption>' in html
    assert (
        '<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">When</th>'
        '<th scope="col" role="columnheader">Who</th></tr></thead>'
    ) in html
    assert '<tr role="row"><td role="cell" colspan="2">None.</td></tr>' in html
    shown = _render(source, rows=["today"])
    # Each cell carries its column's name, shown before it when a narrow screen stacks the rows.
    assert (
        '<tr role="row"><td role="cell" data-label="When">today</td>'
        '<td role="cell" data-label="Who">x</td></tr>' in shown
    )
    assert "None." not in shown


def test_listtable_labelled_by_a_heading_with_actions_or_a_paragraph_when_empty() -> None:
    source = (
        '{% listtable "Name" labelledby="h" actions="Actions" empty_paragraph="None." size="sm" %}'
        "{% for row in rows %}<tr><td>{{ row }}</td><td>button</td></tr>{% endfor %}{% endlisttable %}"
    )
    html = " ".join(_render(source, rows=["Kari"]).split())
    assert 'aria-labelledby="h"' in html
    assert "<caption" not in html
    assert '<table class="ds-table mv-stack" role="table" data-size="sm">' in html
    assert (
        '<th scope="col" role="columnheader">Name</th>'
        '<th scope="col" role="columnheader"><span class="ds-sr-only">Actions</span></th>'
    ) in html
    # The actions column's cell gets no name: its buttons say what they do.
    assert '<td role="cell" data-label="Name">Kari</td><td role="cell">button</td>' in html
    assert " ".join(_render(source, rows=[]).split()) == '<p class="ds-paragraph">None.</p>'


def test_listtable_needs_headers_and_one_name() -> None:
    for tag in ('{% listtable id="a" caption="b" %}', '{% listtable "H" %}', '{% listtable "H" id="a" %}'):
        with pytest.raises(TemplateSyntaxError, match="listtable needs"):
            _render(tag + "{% endlisttable %}")
    with pytest.raises(TemplateSyntaxError, match="listtable takes"):
        _render('{% listtable "H" labelledby="h" label="x" %}{% endlisttable %}')


def test_listtable_names_only_the_rows_own_cells() -> None:
    from medvirk.core.templatetags.listtable import label_cells

    rows = (
        '<tr class="x"><th scope="row">Å & B</th><TD colspan="2">wide</TD><td>c</td></tr>'
        '<tr><td><table><tr><td>inner</td></tr></table></td><td role="cell" data-label="Own">d</td></tr>'
    )
    assert label_cells(rows, ["A <1>", "B", "C", "D"]) == (
        '<tr role="row" class="x"><th role="rowheader" data-label="A &lt;1&gt;" scope="row">Å & B</th>'
        '<TD role="cell" colspan="2">wide</TD><td role="cell" data-label="D">c</td></tr>'
        '<tr role="row"><td role="cell" data-label="A &lt;1&gt;"><table><tr><td>inner</td></tr></table></td>'
        '<td role="cell" data-label="Own">d</td></tr>'
    )
