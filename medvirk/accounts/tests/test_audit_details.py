"""The audit log says what happened in words: roles, statuses, kinds and changed fields by name,
database ids left out, never an internal key such as ``read_only``."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.core.audit import audit_details


def test_details_name_values_in_the_page_language() -> None:
    with translation.override("nb"):
        role = audit_details(
            "role.granted", {"user": "lesetilgang", "unit": "Eksempel", "unit_id": 1, "role": "read_only"}
        )
        moved = audit_details("unit.updated", {"kind": ["unit", "district"], "name": ["Nord", "Bydel Nord"]})
        status = audit_details("measure.status_changed", {"status": "in_progress", "progress": 40})
        survey = audit_details(
            "survey.created", {"series": "kindergarten_parents", "round": "2026", "units": 6}
        )
        counts = audit_details(
            "population.user_counts_set", {"year": 2026, "dimension": "immigrant_background"}
        )
        imported = audit_details("population.imported", {"table": "09817", "year": 2026, "replaced": False})
    assert role == [("bruker", "lesetilgang"), ("enhet", "Eksempel"), ("rolle", "Lesetilgang")]
    assert moved == [("type", "Enhet → Bydel"), ("navn", "Nord → Bydel Nord")]
    assert status == [("status", "Pågår"), ("framdrift (%)", "40")]
    assert survey[0] == ("undersøkelse", "Foreldreundersøkelse for barnehage")
    assert counts[1] == ("bakgrunn", "Innvandringsbakgrunn")
    assert imported[-1] == ("erstattet en tidligere import", "nei")
    with translation.override("nn"):
        assert audit_details("role.granted", {"role": "unit_leader"}) == [("rolle", "Verksemdsleiar")]


def test_a_switch_of_provider_says_when_without_ids() -> None:
    with translation.override("nb"):
        switch = audit_details("switch.registered", {"from": 1, "to": 3, "effective_on": "2026-12-11"})
        chosen = audit_details("choice.recorded", {"provider": 2, "starts_on": "2026-02-04"})
    assert switch == [("trer i kraft", "11.12.2026")]
    assert chosen == [("starter", "04.02.2026")]


def test_audit_page_shows_no_keys(client_as: Any, demo: DemoData) -> None:
    from medvirk.accounts.models import Role
    from medvirk.accounts.services import role_grant

    role_grant(
        actor=demo.users["admin"],
        user=demo.users["uten.rolle"],
        unit=demo.units["Bydel Nord"],
        role=Role.READ_ONLY,
    )
    page = client_as("admin").get("/audit/").content.decode()
    assert "rolle: Lesetilgang" in page
    assert "read_only" not in page and "unit_id" not in page


def test_audit_page_says_who_acted_in_words_never_a_dash(client_as: Any, demo: DemoData) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from medvirk.accounts.demo import make_demo_user
    from medvirk.accounts.models import Role, User
    from medvirk.accounts.services import role_grant
    from medvirk.core.actors import SystemActor

    nord, solsikken = demo.units["Bydel Nord"], demo.units["Solsikken barnehage"]
    temp = make_demo_user("vikar", "Vera", "Vikar", demo.municipality)
    role_grant(actor=demo.users["admin"], user=temp, unit=nord, role=Role.ADMIN)
    role_grant(actor=temp, user=demo.users["uten.rolle"], unit=solsikken, role=Role.READ_ONLY)
    role_grant(
        actor=SystemActor("a daily command"), user=demo.users["uten.rolle"], unit=nord, role=Role.ANALYST
    )
    User.objects.filter(pk=temp.pk).delete()  # the log outlives the account

    tree = LexborHTMLParser(client_as("admin").get("/audit/").content.decode())
    rows = [[cell.text(strip=True) for cell in row.css("td")] for row in tree.css("tbody tr")]
    who = {
        frozenset(details.split("; ")): person for _when, person, _what, details in rows
    }  # jsonb: any order

    def by(*details: str) -> str:
        return who[frozenset(details)]

    assert by("bruker: uten.rolle", "enhet: Bydel Nord", "rolle: Analytiker") == "Medvirk (automatisk)"
    assert by("bruker: uten.rolle", "enhet: Solsikken barnehage", "rolle: Lesetilgang") == "En slettet bruker"
    assert by("bruker: vikar", "enhet: Bydel Nord", "rolle: Kommuneadministrator") == "Ada Administrator"
    assert all(person not in ("", "–") for person in who.values()), rows
