"""The public comparison of providers, the printable form, the online request, and the statistics
page of choice: what people see, in which language, and what the anonymity decision hides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from medvirk.choice.models import OnlineRequest
from medvirk.insights.choice import figures
from medvirk.insights.choice.public_text import EN, NB, NN, TEXTS, page_languages
from medvirk.insights.disclosure import clear_cache
from medvirk.insights.tables import SurveyResults
from medvirk.participation.models import Finding
from tests.choice_support import NAMES, demo_rounds, home_care, round_with
from tests.kept_rows import kept_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh() -> Any:
    clear_cache()
    cache.clear()  # the request rate limit counts in the cache
    yield
    clear_cache()


def _url(demo: Any, rest: str = "") -> str:
    service, _providers = home_care(demo)
    return f"/valg/{demo.municipality.slug}/{service.pk}/{rest}"


def _text(html: str) -> str:
    """The visible text of a page (tags and the bidi isolates removed, spaces collapsed)."""
    body = html.split("<body", 1)[1]
    text = re.sub(r"<[^>]+>", " ", body).replace("\u2066", "").replace("\u2069", "")
    return re.sub(r"\s+", " ", text)


class TestARoundWithASmallProvider:
    """One home-care round with 30, 26 and 3 answers, made and decided once for these tests
    (tests/kept_rows.py): each test made it again and decided it anew, about 4 s of CPU each."""

    @pytest.fixture(scope="class")
    @classmethod
    def small(cls, django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
        from medvirk.accounts.demo import load_demo

        with kept_rows(django_db_blocker):
            with django_db_blocker.unblock():
                survey = round_with(load_demo(), (30, 26, 3))
            yield survey

    # The round's decisions are kept between these tests (its rows do not change): the module's
    # and the directory's fixtures of these names forget them before and after every test.
    @pytest.fixture(autouse=True)
    def fresh(self) -> None:
        cache.clear()  # the request rate limit, as in the module's other tests

    @pytest.fixture(autouse=True)
    def _fresh_results_cache(self) -> None:
        pass

    def test_a_small_provider_says_too_few_answers_and_the_one_hidden_to_protect_it_says_why(
        self, small: Any, client_as: Any, demo: Any
    ) -> None:
        """With 3 answers one provider is too small; since the total of all providers is shown, a
        second provider is hidden too (else 59 − 30 − 26 = 3), and the page says it is hidden to
        protect others rather than claiming it had too few answers."""
        page = _text(client_as(None).get(_url(demo) + "?lang=en").content.decode())
        for name in NAMES:
            assert name in page
        row = "Number of answers 30 Hidden to protect others Too few answers to show 59"
        assert row in page
        assert "Then it says “Hidden to protect others”." in page
        assert "A group with fewer than 5 answers is never shown" in page

    def test_the_small_provider_cannot_be_derived_from_the_total(self, small: Any, demo: Any) -> None:
        """The comparison shows the providers and the round's total from one decision: with one
        provider hidden, the total or another provider is hidden too (total − others ≠ 3)."""
        survey = small
        _service, providers = home_care(demo)
        comparison = figures.compare(providers=list(providers.values()), survey=survey)
        assert comparison is not None
        shown = [comparison.providers[p.pk].respondents for p in providers.values()]
        assert shown[0] == 30 and shown[2] is None
        protected = [comparison.providers[p.pk].protected for p in providers.values()]
        assert protected[2] is False  # hidden for its own few answers
        assert protected[1] == (shown[1] is None)  # hidden only to protect the small one
        assert comparison.total.respondents is None or shown.count(None) >= 2
        for measure in comparison.measures:
            key = measure.key or measure.question.key
            cells = [comparison.providers[p.pk].figures[key] for p in providers.values()]
            hidden = [not c.shown for c in cells]
            assert hidden[2]
            assert not comparison.total.figures[key].shown or sum(hidden) >= 2, key

    def test_the_statistics_page_shows_choice_by_group_and_the_providers_rounds(
        self, small: Any, client_as: Any, demo: Any
    ) -> None:
        client = client_as("analytiker")
        client.cookies["django_language"] = "en"
        service, _providers = home_care(demo)
        page = _text(client.get(f"/choice/statistics/{service.pk}/").content.decode())
        assert "Who makes an active choice" in page
        assert "Immigrant background" in page
        assert "User survey 2026" in page
        assert "Answers 30 hidden to protect others too few answers 59" in page
        # Each share's range and count in words ("n = 30" before).
        assert re.search(r"\d+ % likely between \d+ and \d+ %, from 30 answers", page), page
        assert "n = " not in page
        # The current year only up to the last ended month (test_choice_statistics_wait_for_the_month_to_end).
        assert (
            "The figures for this year go up to the end of the last month that has ended" in page
            or "No month of this year has ended yet" in page
        )
        # Figures once shown are kept (test_a_published_year_does_not_move_when_one_client_is_entered_late).
        assert "These figures were published on" in page or "No month of this year has ended yet" in page


def test_the_demo_round_shows_every_provider(client_as: Any, demo: Any) -> None:
    """The demo's rounds answer mostly through codes and invitations (which count towards the
    threshold) and partly on paper (which does not): the newest round shows all three providers
    with every answer they got (the smallest: 12 answers, 9 of them counted)."""
    rounds, sizes = demo_rounds(demo)
    _service, providers = home_care(demo)
    comparison = figures.compare(providers=list(providers.values()))
    assert comparison is not None and comparison.survey == rounds[-1]
    shown = [comparison.providers[p.pk].respondents for p in providers.values()]
    assert shown == [sizes[name] for name in NAMES]
    overall = [comparison.providers[p.pk].figures["m_overall"].shown for p in providers.values()]
    assert overall == [True, True, True]
    # A share withheld although enough answered the question (so that the few who answered
    # otherwise stay hidden) is "hidden to protect others": "too few answers to show" beside a
    # provider's 52 answers read as a contradiction to a relative.
    results = SurveyResults(comparison.survey)
    withheld_beside_enough = [
        (p.name, key, cell.protected)
        for p in providers.values()
        for measure in comparison.measures
        for key in [measure.key or measure.question.key]
        for cell in [comparison.providers[p.pk].figures[key]]
        if not cell.shown
        and results.figures(measure.question, p.unit_id).shown
        and (results.figures(measure.question, p.unit_id).n or 0) >= comparison.threshold
    ]
    assert withheld_beside_enough, "the demo round withholds no share beside enough answers"
    assert all(protected for _name, _key, protected in withheld_beside_enough), withheld_beside_enough
    page = _text(client_as(None).get(_url(demo) + "?lang=en").content.decode())
    assert "Then it says “Hidden to protect others”." in page


def test_the_newest_closed_round_covering_the_most_providers_is_compared(demo: Any) -> None:
    old = round_with(demo, (12, 12, 12), label="2025", seed=1)
    new = round_with(demo, (12, 12, 12), label="2026", seed=2)
    _service, providers = home_care(demo)
    assert figures.comparison_round(providers=list(providers.values())) == new
    assert figures.rounds_for(providers=list(providers.values())) == [new, old]


def test_norwegian_pages_show_no_english_and_no_internal_keys(client_as: Any, demo: Any) -> None:
    """Bokmål and nynorsk on one round (its anonymity is decided once for both)."""
    round_with(demo, (30, 26, 8))
    for lang, own in (("nb", NB), ("nn", NN)):
        for rest in ("", "form/", "request/"):
            html = client_as(None).get(_url(demo, rest) + f"?lang={lang}").content.decode()
            assert f'<html lang="{lang}" dir="ltr"' in html
            text = _text(html)
            for key, english in EN.items():
                if english != own[key] and len(english) > 3:
                    assert english not in text, (lang, rest, key)
            assert not re.search(r"\b(m|r|spec|req|form|err)_[a-z_]+\b", text), (lang, rest)  # no text keys
            assert "{" not in text, (lang, rest)  # no unfilled placeholders
            # next to the ranges, what an overlap means: a difference that may be chance is not over-read
            assert (own["overlap_note"] in text) == (rest == ""), (lang, rest)


def test_the_page_is_in_arabic_right_to_left(client_as: Any, demo: Any) -> None:
    html = client_as(None).get(_url(demo) + "?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert TEXTS["ar"]["compare_heading"] in html
    assert 'lang="nb" dir="ltr"' in html  # the service's own description keeps its language and direction
    assert "\u206621 00 00 00\u2069" in html  # phone numbers stay left to right in a right-to-left page
    # The areas to compare in: the city districts by name (Norwegian), their codes as the values.
    assert '<option value="999901" lang="nb">Bydel Nord</option>' in html
    chosen = client_as(None).get(_url(demo) + "?lang=ar&area=999903").content.decode()
    assert '<option value="999903" lang="nb" selected>Bydel Øst</option>' in chosen


def test_a_language_without_texts_falls_back_to_bokmal_and_is_not_offered(client_as: Any, demo: Any) -> None:
    assert "so" not in page_languages()
    html = client_as(None).get(_url(demo) + "?lang=so").content.decode()
    assert '<html lang="nb"' in html


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    from medvirk.common import languages

    shipped = {code for code in languages.LANGUAGES if languages.has_respondent_texts(code)}
    assert set(page_languages()) == shipped  # a language respondents get gets these pages too
    placeholders = {key: set(re.findall(r"{(\w+)}", text)) for key, text in EN.items()}
    for lang, texts in TEXTS.items():
        assert set(texts) == set(EN), lang
        for key, text in texts.items():
            assert set(re.findall(r"{(\w+)}", text)) == placeholders[key], (lang, key)
            assert text.strip(), (lang, key)
            # "65 %" never breaks before its sign on a phone (a lone "%" on the next line)
            assert " %" not in text, (lang, key)


def test_the_printable_form_lists_every_approved_provider(client_as: Any, demo: Any) -> None:
    html = client_as(None).get(_url(demo, "form/") + "?lang=ar").content.decode()
    page = _text(html)
    for name in NAMES:
        assert name in page
    assert TEXTS["ar"]["form_signature"] in page
    # How to print says it so that it works on a phone too (no keys to press: a phone has no Ctrl),
    # in every language; a Print button is in the page, hidden until print.js shows it.
    for lang, texts in TEXTS.items():
        assert not re.search(r"\b(Ctrl|Strg|Cmd)\b|⌘", texts["print_hint"]), lang
    assert f"data-mv-print hidden>{TEXTS['ar']['print_button']}</button>" in html
    assert "insights/print.js" in html


def test_the_online_request_is_stored_for_a_case_handler(client_as: Any, demo: Any) -> None:
    _service, providers = home_care(demo)
    client = client_as(None)
    url = _url(demo, "request/")
    empty = client.post(url, {"lang": "ar"})
    assert empty.status_code == 400
    assert TEXTS["ar"]["err_required"] in empty.content.decode()
    # The list of errors takes focus when the page loads, with or without JavaScript (a screen
    # reader reads it first; Tab goes on to its links to the fields).
    assert re.search(
        r'<div [^>]*role="alert" tabindex="-1" id="error-summary" autofocus>', empty.content.decode()
    )
    assert not OnlineRequest.objects.exists()
    response = client.post(
        url,
        {
            "lang": "ar",
            "kind": "switch",
            "provider": providers[NAMES[1]].pk,
            "client_name": "Aisha",
            "sender_name": "Fatima",
            "phone": "912 34 567",
            "reasons": ["language"],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?lang=ar")
    request = OnlineRequest.objects.get()
    assert (request.kind, request.client_name, request.phone, request.language) == (
        "switch",
        "Aisha",
        "+4791234567",
        "ar",
    )
    assert request.reasons == ["language"]
    assert not response.cookies  # no cookie on a public page


def test_the_honeypot_stores_nothing_and_the_rate_limit_holds(
    client_as: Any, demo: Any, settings: Any
) -> None:
    _service, providers = home_care(demo)
    client = client_as(None)
    url = _url(demo, "request/")
    data = {"kind": "choice", "provider": providers[NAMES[0]].pk, "client_name": "A", "phone": "91234567"}
    assert client.post(url, {**data, "website": "http://spam.example"}).status_code == 302
    assert not OnlineRequest.objects.exists()
    for _ in range(10):
        assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429
    assert OnlineRequest.objects.count() == 10


def test_an_unpublished_service_is_not_public(client_as: Any, demo: Any) -> None:
    service, _providers = home_care(demo)
    service.published = False
    service.save()
    assert client_as(None).get(_url(demo)).status_code == 404


def _chose(
    demo: Any, alias: str, name: str, on: date, *, switched_to: str = "", reasons: tuple[str, ...] = ()
) -> None:
    """Register a home-care client decided on ``on`` who chose provider ``name`` that day, and
    (with ``switched_to``) asked the next day to switch, giving ``reasons``."""
    from medvirk.choice import services
    from medvirk.core.actors import SystemActor

    service, providers = home_care(demo)
    system = SystemActor("test")
    client = services.client_register(actor=system, service=service, alias=alias, decision_on=on)
    services.choice_record(actor=system, client=client, provider=providers[name], chosen_on=on)
    if switched_to:
        services.switch_register(
            actor=system,
            client=client,
            to_provider=providers[switched_to],
            requested_on=on + timedelta(days=1),
            reasons=list(reasons),
        )


def test_a_published_year_does_not_move_when_one_client_is_entered_late(demo: Any) -> None:
    """A competitor reads last year's statistics; a case handler then registers one client whose
    decision fell in that year (or cancels a switch asked for then, or ends a client back in time):
    the published figures move by exactly that client, whose provider, active choice and
    background (or reasons for leaving) the difference gives away."""
    from medvirk.choice import selectors as choice_selectors

    service, _providers = home_care(demo)
    year = date.today().year - 1
    for n in range(6):
        _chose(demo, f"J-{n}", NAMES[0], date(year, 1, 1))
    before, _reference = choice_selectors.statistics_facts(service=service, year=year, today=date.today())
    _chose(demo, "Sen", NAMES[1], date(year, 6, 1))  # registered today, decided last year
    after, _reference = choice_selectors.statistics_facts(service=service, year=year, today=date.today())
    assert after.first == before.first


@pytest.mark.parametrize("change", ["cancel a switch", "end back in time"])
def test_a_published_year_does_not_move_when_one_switch_is_cancelled_or_one_client_ended_back_in_time(
    demo: Any, change: str
) -> None:
    """Red team 4: a switch asked for last December and cancelled now dropped out of last year's
    switches (with its providers and reasons); a client ended back in June dropped out of the
    clients on 31 December (with the provider and background). Both are kept as published."""
    from medvirk.choice import selectors as choice_selectors
    from medvirk.choice import services
    from medvirk.choice.models import Client, Switch
    from medvirk.core.actors import SystemActor

    service, providers = home_care(demo)
    year, today = date.today().year - 1, date.today()
    _chose(demo, "K-1", NAMES[0], date(year, 1, 1))
    client = Client.objects.get(service=service, alias="K-1")
    system = SystemActor("test")
    if change == "cancel a switch":
        services.switch_register(
            actor=system,
            client=client,
            to_provider=providers[NAMES[1]],
            requested_on=date(year, 12, 20),
            wished_on=today + timedelta(days=40),
            reasons=["respect"],
        )
    before, _reference = choice_selectors.statistics_facts(service=service, year=year, today=today)
    assert len(before.current) == 1 and len(before.switches) == (change == "cancel a switch")
    if change == "cancel a switch":
        switch = Switch.objects.get(client=client)
        services.switch_cancel(actor=system, switch=switch, today=today)
    else:
        services.client_end(actor=system, client=client, last_day=date(year, 6, 30))
    after, _reference = choice_selectors.statistics_facts(service=service, year=year, today=today)
    assert (after.first, after.current, after.switches) == (before.first, before.current, before.switches)


def test_late_entries_reach_a_published_year_together_and_the_api_says_when_it_was_published(
    client_as: Any, demo: Any
) -> None:
    """A genuine late registration is not lost: it waits until at least k clients (k = 5) have
    changed in that part of the figures, and then all of them come in at once."""
    service, _providers = home_care(demo)
    year = date.today().year - 1
    url = f"/api/v1/choice/services/{service.pk}/statistics?year={year}"
    analyst = client_as("analytiker")
    for n in range(6):
        _chose(demo, f"P-{n}", NAMES[0], date(year, 1, 1))
    first = analyst.get(url).json()
    assert first["published_on"] == timezone.localdate().isoformat()
    assert first["up_to"] == dict.fromkeys(("first_choices", "clients", "switches"), f"{year}-12-31")
    for n in range(4):
        _chose(demo, f"Sen-{n}", NAMES[1], date(year, 6, 1))
        assert analyst.get(url).json()["first_choices"] == first["first_choices"]  # 1 to 4: kept
    _chose(demo, "Sen-4", NAMES[1], date(year, 6, 1))
    now = analyst.get(url).json()  # the fifth: all five come in together
    assert now["first_choices"]["all"]["first_choices"] == first["first_choices"]["all"]["first_choices"] + 5


def test_a_client_ended_back_in_time_is_not_given_away_by_five_registered_late(demo: Any) -> None:
    """Five late registrations move last year's first choices and clients by five: beside them,
    one client ended back in time moved the clients by four, and clients minus first choices was
    that client's provider and background. The clients on the day wait."""
    from medvirk.choice import selectors as choice_selectors
    from medvirk.choice import services
    from medvirk.choice.models import Client
    from medvirk.core.actors import SystemActor

    service, _providers = home_care(demo)
    year, today = date.today().year - 1, date.today()
    _chose(demo, "E-1", NAMES[0], date(year, 1, 1))
    before, _reference = choice_selectors.statistics_facts(service=service, year=year, today=today)
    for n in range(5):
        _chose(demo, f"L-{n}", NAMES[1], date(year, 6, 1))
    ended = Client.objects.get(service=service, alias="E-1")
    services.client_end(actor=SystemActor("test"), client=ended, last_day=date(year, 6, 30))
    after, _reference = choice_selectors.statistics_facts(service=service, year=year, today=today)
    assert len(after.first) == len(before.first) + 5  # the five are in
    assert after.current == before.current  # the clients wait


def test_a_shown_switch_reason_becomes_a_finding(client_as: Any, demo: Any) -> None:
    service, _providers = home_care(demo)
    year = date.today().year - 1  # a year that has ended: the current one waits for its months to end
    for n in range(6):
        _chose(demo, f"F-{n}", NAMES[0], date(year, 1, 1), switched_to=NAMES[1], reasons=("too_many_staff",))
    analyst = client_as("analytiker")
    analyst.cookies["django_language"] = "en"
    url = f"/choice/statistics/{service.pk}/finding/?year={year}"
    response = analyst.post(url, {"reason": "too_many_staff"})
    assert response.status_code == 302
    finding = Finding.objects.get(unit=service.owner_unit)
    assert "6 of 6 switches" in finding.statement
    # A reason nobody gave (count 0) or a hidden one does not become a finding.
    analyst.post(url, {"reason": "respect"})
    assert Finding.objects.filter(unit=service.owner_unit).count() == 1


def test_the_statistics_api_hides_small_counts(client_as: Any, demo: Any) -> None:
    service, _providers = home_care(demo)
    year = date.today().year
    for n in range(3):
        _chose(demo, f"S-{n}", NAMES[2], date(year, 1, 1))
    data = client_as("analytiker").get(f"/api/v1/choice/services/{service.pk}/statistics?year={year}").json()
    assert data["first_choices"]["all"]["first_choices"] is None  # 3 clients: hidden
    assert all(p["active_choices"] in (None, 0) for p in data["first_choices"]["chosen_providers"])


def test_choice_statistics_wait_for_the_month_to_end(demo: Any) -> None:
    """Red team (2026-12-07): the current year's statistics (reference day today) moved as single
    clients arrived; read on two days, exactly one count moved by one in "chose actively",
    "chose provider 12", "immigrant", "another language", "80+" and a district: the newcomer's
    choice and background. Now a year's figures go up to the end of its last ended month."""
    from medvirk.choice import selectors as choice_selectors

    service, _providers = home_care(demo)
    year = date.today().year - 1
    for n in range(6):
        _chose(demo, f"J-{n}", NAMES[0], date(year, 1, 1))

    def facts_on(day: date) -> Any:
        return choice_selectors.statistics_facts(service=service, year=year, today=day)

    before, reference = facts_on(date(year, 3, 10))
    assert reference == date(year, 3, 1) - timedelta(days=1) and len(before.first) == 6
    _chose(demo, "M-1", NAMES[1], date(year, 3, 2), switched_to=NAMES[2])  # arrives in March
    after, _reference = facts_on(date(year, 3, 10))
    assert (after.first, after.current, after.switches) == (before.first, before.current, before.switches)
    # March has ended, but one client alone does not move published figures (red team 4)...
    in_april, reference = facts_on(date(year, 4, 1))
    assert (in_april.first, in_april.switches, reference) == (before.first, before.switches, reference)
    for n in range(2, 6):
        _chose(demo, f"M-{n}", NAMES[1], date(year, 3, 2), switched_to=NAMES[2])
    in_april, reference = facts_on(date(year, 4, 1))  # ... five together do: March's clients are in
    assert reference == date(year, 3, 31) and len(in_april.first) == 11 and len(in_april.switches) == 5
    january, reference = facts_on(date(year, 1, 20))  # no month has ended: nothing of the year
    assert reference == date(year - 1, 12, 31) and not (january.first or january.current or january.switches)


def test_a_client_with_two_placements_open_on_the_day_is_counted_once(demo: Any) -> None:
    """Review of the kept statistics: "clients on the day" counted placements, so one client with
    two placements open on the reference day (a back-dated or imported history) counted twice,
    and one client could move the part by two, against the rule every release is checked by."""
    from medvirk.choice import selectors as choice_selectors
    from medvirk.choice.models import Assignment, Client, HowAssigned

    service, providers = home_care(demo)
    year = date.today().year - 1
    _chose(demo, "Dobbel", NAMES[0], date(year, 1, 1))
    client = Client.objects.get(service=service, alias="Dobbel")
    Assignment.objects.create(
        municipality_id=client.municipality_id,
        client=client,
        provider=providers[NAMES[1]],
        starts_on=date(year, 6, 1),
        how=HowAssigned.SWITCH,
    )
    release = choice_selectors.statistics_release(service=service, year=year, today=date.today())
    assert len(release.facts.current) == 1
    assert release.facts.current[0].provider == providers[NAMES[1]].pk  # the placement that started last
