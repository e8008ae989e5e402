"""The header menu: grouped by task, only what the role may use, the current page marked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation

from medvirk.site.context_processors import navigation


def menu(user: Any, path: str = "/overview/") -> list[tuple[str, list[str]]]:
    request = RequestFactory().get(path)
    request.user = user
    with translation.override("en"):
        return [(str(g.label), [str(i.label) for i in g.items]) for g in navigation(request)["nav_groups"]]


def test_administrator_sees_every_group(demo: Any) -> None:
    assert menu(demo.users["admin"]) == [
        ("None", ["Overview"]),
        ("Surveys and results", ["Surveys", "Results", "Equity", "Client outcomes"]),
        (
            "Participation",
            [
                "Activities and measures",
                "What matters to you?",
                "What matters to our users",
                "Panels",
                "Organisations",
            ],
        ),
        ("Choice of provider", ["Services and clients", "Our clients", "Statistics of choice"]),
        (
            "Administration",
            [
                "Organisation",
                "Access",
                "Audit log",
                "Client feedback",
                "Public pages",
                "Data protection",
                "Single sign-on",
                "ID-porten",
                "API tokens",
            ],
        ),
    ]


def test_a_practitioner_sees_their_clients_and_no_results(demo: Any) -> None:
    assert menu(demo.users["behandler"]) == [
        ("None", ["Overview"]),
        ("Participation", ["My clients", "What matters to you?", "Organisations"]),
        ("Administration", ["Organisation", "API tokens"]),
    ]


def test_choice_staff_see_their_own_work(demo: Any) -> None:
    handler = dict(menu(demo.users["saksbehandler"]))
    assert handler["Choice of provider"] == ["Services and clients"]
    provider = {label for _, items in menu(demo.users["leverandor.omsorgpluss"]) for label in items}
    assert "Our clients" in provider
    assert not provider & {"Services and clients", "Statistics of choice", "Access", "Panels"}


@pytest.mark.parametrize(
    ("username", "hidden"),
    [
        ("analytiker", {"Panels", "Access", "Audit log", "Data protection"}),
        ("leder.solsikken", {"Panels", "Access", "Audit log", "Data protection"}),
        ("lesetilgang", {"Surveys", "Panels", "Access", "Audit log", "Data protection"}),
    ],
)
def test_roles_see_only_what_they_may_use(demo: Any, username: str, hidden: set[str]) -> None:
    shown = {label for _, items in menu(demo.users[username]) for label in items}
    assert shown and not shown & hidden


def test_current_page_marks_its_group(demo: Any) -> None:
    request = RequestFactory().get("/results/4/")
    request.user = demo.users["admin"]
    groups = navigation(request)["nav_groups"]
    with translation.override("en"):
        current = [(str(g.label), [str(i.label) for i in g.items if i.current]) for g in groups if g.current]
    assert current == [("Surveys and results", ["Results"])]


def test_anonymous_and_roleless_users_get_no_menu(demo: Any, django_user_model: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert menu(AnonymousUser()) == []
    roleless = django_user_model.objects.create_user(
        username="ny", password="x", municipality=demo.municipality
    )
    assert menu(roleless) == []


@pytest.mark.parametrize("username", ["admin", "lesetilgang"])
def test_both_menus_render_every_link_once_each(client_as: Any, username: str) -> None:
    """The bar (wide screens) and the Menu button (small) carry the same links, without JavaScript."""
    import re

    page = client_as(username).get("/overview/").content.decode()
    nav = page[page.index('<nav class="mv-nav"') : page.index("</nav>")]
    bar = nav[: nav.index('<details class="mv-nav__menu">')]
    small = nav[nav.index('<details class="mv-nav__menu">') :]
    links = re.compile(r'href="([^"]+)"')
    assert links.findall(bar) == links.findall(small) and len(links.findall(bar)) >= 3
    assert "<script" not in nav
