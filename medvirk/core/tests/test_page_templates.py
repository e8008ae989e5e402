"""The shared page pieces: ``{% postform %}`` (every page's posted form) and ``{% page_title %}``
(the title block said again as ``core/page.html``'s heading)."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import translation

LIBRARIES = {
    "i18n": "django.templatetags.i18n",
    "postform": "medvirk.core.templatetags.postform",
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
        return Template("{% load i18n postform %}" + source, engine=_engine()).render(Context(context))


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
