"""No figure from fewer respondents than the threshold appears in pages, exports or the API."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.insights import pdf, reports
from medvirk.insights.numbers import survey_numbers
from medvirk.insights.rankings import survey_rankings
from medvirk.insights.tables import SurveyResults

from .factories import answer, answer_many, close, make_survey
from .test_disclosure import leaks

THRESHOLD = 5


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo)
    answer_many(s, demo.units["Solsikken barnehage"], [4, 4, 5, 5, 5, 6, 6, 6, 6, 6])
    answer_many(s, demo.units["Nordlys barnehage"], [1, 1, 2])  # a small unit
    answer_many(s, demo.units["Sørbyen barnehage"], [3, 4, 5, 6, 6, 6], bg_gender="female")
    answer(s, demo.units["Sørbyen barnehage"], overall=2, bg_gender="male")  # a small category
    return s


@pytest.fixture
def closed(survey: Any) -> Any:
    """The round above, closed: its figures are shown."""
    return close(survey)


TRUE_N = {"Solsikken barnehage": 10, "Nordlys barnehage": 3, "Sørbyen barnehage": 7}


def _element(html: str, marker: str) -> str:
    """The text of the element carrying ``marker`` (up to its closing ``</div>``)."""
    assert marker in html, f"no {marker} on the page"
    start = html.index(marker)
    return re.sub(r"\s+", " ", html[start : html.index("</div>", start)])


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_hides_small_units_and_protects_them_against_differencing(
    closed: Any, client_as: Any, demo: DemoData
) -> None:
    survey = closed
    rows = _csv(client_as("admin").get(f"/results/{survey.pk}/export/?unit={demo.units[''].pk}"))
    by_unit = {r["unit"]: r for r in rows if r["question"] == "q_overall"}
    assert by_unit["Nordlys barnehage"]["status"] == "primary" and by_unit["Nordlys barnehage"]["n"] == ""
    assert by_unit["Nordlys barnehage"]["mean"] == ""
    # Bydel Nord is shown (13), so Solsikken must be hidden too, or 13 − 10 gives Nordlys away.
    assert by_unit["Bydel Nord"]["n"] == "13"
    assert (
        by_unit["Solsikken barnehage"]["status"] == "secondary" and by_unit["Solsikken barnehage"]["n"] == ""
    )
    for r in rows:
        if r["n"]:
            assert int(r["n"]) == 0 or int(r["n"]) >= THRESHOLD, r
    # Every parent with a hidden child hides at least two children holding ≥ threshold together.
    tree_children = {"Bydel Nord": ["Solsikken barnehage", "Nordlys barnehage"]}
    for parent, kids in tree_children.items():
        hidden = [k for k in kids if not by_unit[k]["n"]]
        if by_unit[parent]["n"] and hidden:
            assert len(hidden) >= 2 and sum(TRUE_N[k] for k in hidden) >= THRESHOLD


def test_pages_never_show_the_small_unit(closed: Any, client_as: Any, demo: DemoData) -> None:
    survey = closed
    c = client_as("admin")
    nordlys = demo.units["Nordlys barnehage"].pk
    html = c.get(f"/results/{survey.pk}/?unit={nordlys}").content.decode()
    assert "1,3" not in html  # Nordlys' mean (4/3)
    # A short page: said once at the top, in words, why nothing is shown ...
    alert = _element(html, 'id="unit-hidden"')
    assert (
        "Ingen tall vises for Nordlys barnehage: færre enn 5 svarte med kode eller e-postinvitasjon" in alert
    )
    # ... what the leader can do ...
    assert "del ut engangskoder eller send e-postinvitasjoner" in _element(html, 'id="next-heading"')
    # ... and, in one table, how the district and the municipality answered each question they
    # show, and in one line how many questions are left out. Nothing per question of its own: no
    # "Suppressed" under each, no charts, no glossary (the page was ~8,300 px tall on a phone).
    assert 'id="q-q_overall"' in html and "Slik svarte bydelen og kommunen" in html
    assert "mv-suppressed" not in html and 'id="q-q_channel"' not in html
    assert 'class="mv-question-result"' not in html and 'id="how-to-read"' not in html
    results = SurveyResults(survey)
    asked = [*results.questions, *survey_numbers(results, nordlys), *survey_rankings(results, nordlys)]
    not_listed = re.search(r"(\d+) spørsmål er ikke med i tabellen", html)
    assert not_listed is not None and int(not_listed.group(1)) == len(asked) - 1
    # Its printed report (PDF) says the same once, and lists none (it compares only with the
    # national benchmark, and there is none here) rather than "Suppressed" for every question.
    with translation.override("nb"):
        printed = pdf.report_html(reports.overview(demo.users["admin"], results, nordlys), THRESHOLD)
    assert "Ingen tall vises for Nordlys barnehage: færre enn 5 svarte" in printed
    assert "På resultatsiden i Medvirk kan hvert spørsmål sammenlignes med andre enheter" in printed
    assert printed.count("Skjult") == 1 and "Hvor fornøyd" not in printed  # beside "Svar" only
    left_out = re.search(r"(\d+) spørsmål er ikke med i denne rapporten", printed)
    assert left_out is not None and int(left_out.group(1)) == len(results.questions)
    # Solsikken (10) is hidden only to protect Nordlys: its leader is told so, not "fewer than 5".
    html = client_as("leder.solsikken").get(f"/results/{survey.pk}/").content.decode()
    alert = _element(html, 'id="unit-hidden"')
    assert (
        "Ingen tall vises for Solsikken barnehage, selv om nok svarte" in alert and "færre enn" not in alert
    )
    shown = c.get(f"/results/{survey.pk}/?unit={demo.units['Sørbyen barnehage'].pk}").content.decode()
    assert 'id="unit-hidden"' not in shown
    assert 'id="q-q_channel"' in shown and 'id="questions-not-listed"' not in shown
    page = c.get(
        f"/results/{survey.pk}/crosstab/?unit={demo.units['Bydel Nord'].pk}&question=q_overall&by=unit"
    )
    html = page.content.decode()
    assert "<td>3</td>" not in html and "<td>10</td>" not in html


def test_api_never_returns_small_groups(closed: Any, client_as: Any, demo: DemoData) -> None:
    survey = closed
    c = client_as("analytiker")
    nordlys = demo.units["Nordlys barnehage"].pk
    data = c.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={nordlys}").json()
    assert data["group"]["respondents"] is None
    q = next(q for q in data["questions"] if q["key"] == "q_overall")
    assert q["unit"] == {
        "shown": False,
        "status": "primary",
        "n": None,
        "mean": None,
        "top_box": None,
        "top_box_from": None,
        "top_box_count": None,
        "top_box_options": [],
        "dont_know": None,
        "options": [],
        "other_options_count": None,
    }
    sor = demo.units["Sørbyen barnehage"].pk
    data = c.get(
        f"/api/v1/results/surveys/{survey.pk}/crosstab?unit_id={sor}&question=q_overall&by=gender"
    ).json()
    rows = {r["key"]: r["figures"] for r in data["rows"]}
    assert rows["male"]["shown"] is False and rows["male"]["n"] is None
    # female (6) alone would give the male answer away as 7 − 6: it is hidden as well
    assert rows["female"]["shown"] is False
    for r in data["rows"]:
        assert r["figures"]["n"] in (None, 0) or r["figures"]["n"] >= THRESHOLD


def test_the_survey_page_and_units_api_say_the_answers_as_the_results_do(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    """Red team (2026-12-07): the survey's page and ``GET /api/v1/surveys/{id}/units`` showed
    each unit's exact, live number of complete answers to those who distribute. The results
    hide Solsikken's 10 to protect Nordlys (Bydel Nord 13 is shown), so 13 − 10 gave Nordlys'
    3. Now both say the count the results show."""
    c = client_as("analytiker")
    page = c.get(f"/surveys/{survey.pk}/").content.decode()
    units = {u["unit_name"]: u for u in c.get(f"/api/v1/surveys/{survey.pk}/units").json()}
    said = dict(
        re.findall(r'<td role="cell"[^>]*>([^<]+)</td><td role="cell" data-label="Svar">([^<]*)</td>', page)
    )
    assert said["Solsikken barnehage"] == "ikke vist, for å beskytte en mindre enhet"
    assert said["Nordlys barnehage"] == "færre enn 5" and said["Sørbyen barnehage"] == "7"
    assert (
        units["Solsikken barnehage"]["responses_complete"],
        units["Solsikken barnehage"]["responses_status"],
    ) == (
        None,
        "secondary",
    )
    assert units["Nordlys barnehage"]["responses_complete"] is None
    assert units["Sørbyen barnehage"]["responses_complete"] == TRUE_N["Sørbyen barnehage"]


# --- the equity report and participation pages (issue 9) ----------------------------------------

COUNT_KEYS = {"n", "n_excluded", "n_not_comparable", "respondents", "count", "effective_n"}


def _small_numbers_in_json(data: Any, path: str = "") -> list[str]:
    """Return the paths of every count-like field holding 1 … threshold − 1."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in COUNT_KEYS and isinstance(value, int | float) and 0 < value < THRESHOLD:
                found.append(f"{path}.{key}={value}")
            found += _small_numbers_in_json(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _small_numbers_in_json(value, f"{path}[{i}]")
    return found


def _small_numbers_in_html(html: str) -> list[str]:
    """Return whole numbers 1 … threshold − 1 shown as table cells or as "n respondents"."""
    cells = re.findall(r"<td(?: class=\"mv-num\")?>\s*(\d+)\s*</td>", html)
    sentences = re.findall(r"(\d+) (?:respondents|participants?|people)\b", html)
    return [n for n in cells + sentences if 0 < int(n) < THRESHOLD]


@pytest.mark.usefixtures("in_english")
def test_equity_pages_exports_and_api_never_show_small_groups(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    from medvirk.insights.tests.equity_fixtures import import_population

    import_population(demo)
    for name in ("Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage"):
        answer_many(survey, demo.units[name], [5, 6], bg_gender="male", bg_age="16-24")  # tiny groups
    close(survey)
    c = client_as("admin")
    checked = 0
    for name in (
        "",
        "Bydel Nord",
        "Bydel Sør",
        "Solsikken barnehage",
        "Nordlys barnehage",
        "Sørbyen barnehage",
    ):
        unit = demo.units[name].pk
        page = c.get(f"/population/equity/units/{unit}/?survey={survey.pk}")
        assert page.status_code == 200
        html = page.content.decode()
        assert _small_numbers_in_html(html) == [], name
        export = c.get(f"/population/equity/units/{unit}/export.csv?survey={survey.pk}").content.decode()
        for row in csv.DictReader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"):
            assert not row["n"] or not (0 < int(row["n"]) < THRESHOLD), (name, row)
        for url in (
            f"/api/v1/population/units/{unit}/representation?survey_id={survey.pk}",
            f"/api/v1/population/units/{unit}/gaps?survey_id={survey.pk}",
        ):
            response = c.get(url)
            assert response.status_code == 200, url
            assert _small_numbers_in_json(response.json()) == [], url
            checked += 1
    assert checked == 12


def test_results_and_equity_together_do_not_give_away_a_small_unit(client_as: Any, demo: DemoData) -> None:
    """Everything results and equity show for one round, attacked together by linear programming.

    Solsikken has 10 respondents, 6 of whom rate the staff; Nordlys 5, of whom 2 do. Results
    shows Bydel Nord's 8 staff answers and hides Solsikken's 6 (else 8 − 6 gives Nordlys's 2
    away). Before the one decision per round, the equity report's headline for Solsikken showed
    "n = 6" with the mean (its own rule: Solsikken's 10 respondents are shown and 6 ≥ 5), so the
    two pages together revealed Nordlys's 2 answers and their mean. This test failed then.
    """
    from medvirk.insights.disclosure import ANSWER, SurveyDisclosure, answer_table, cell_key
    from medvirk.surveys.models import SurveyQuestion

    s = make_survey(demo)
    sol, nord = demo.units["Solsikken barnehage"], demo.units["Nordlys barnehage"]
    answer_many(s, sol, [5] * 6, q_m_staff=5)
    answer_many(s, sol, [5] * 4)
    answer_many(s, nord, [4] * 2, q_m_staff=2)
    answer_many(s, nord, [4] * 3)
    close(s)
    disclosure = SurveyDisclosure(s)
    staff = SurveyQuestion.objects.get(survey=s, key="q_m_staff").pk
    c = client_as("admin")
    published: dict[str, int] = {}
    for node in disclosure.tree.nodes:
        data = c.get(f"/api/v1/results/surveys/{s.pk}?unit_id={node}").json()
        if data["group"]["respondents"] is not None:
            published[cell_key(node)] = data["group"]["respondents"]
        q = next(q for q in data["questions"] if q["key"] == "q_m_staff")
        if q["unit"]["n"] is not None:
            published[ANSWER + cell_key(node)] = q["unit"]["n"]
        gaps = c.get(f"/api/v1/population/units/{node}/gaps?survey_id={s.pk}").json()
        for h in gaps["headline"]:
            if h["question"] == "q_m_staff":
                assert published.get(ANSWER + cell_key(node), h["n"]) == h["n"]
                published[ANSWER + cell_key(node)] = h["n"]
        rep = c.get(f"/api/v1/population/units/{node}/representation?survey_id={s.pk}").json()
        if rep["n"] is not None:
            assert published.get(cell_key(node), rep["n"]) == rep["n"]
            published[cell_key(node)] = rep["n"]
    assert published[ANSWER + cell_key(demo.units["Bydel Nord"].pk)] == 8
    table = answer_table(
        disclosure.tree, disclosure.layout, disclosure._respondent_leaf(), disclosure.answer_leaf(staff)
    )
    assert leaks(table, published) == []


def test_participation_pages_never_show_small_groups(client_as: Any, demo: DemoData) -> None:
    import datetime

    from medvirk.participation import services

    values: dict[str, Any] = {
        "kind": "user_meeting",
        "ladder": "dialogue",
        "level": "group",
        "invited": "open",
        "starts_on": datetime.date(2026, 3, 1),
    }
    leader = demo.users["leder.solsikken"]
    unit = demo.units["Solsikken barnehage"]
    activities = []
    for title, participants, composition in (
        ("Foreldremøte", 9, {"gender": {"female": 7, "male": 2}}),
        ("Kafé", 12, {"gender": {"female": 6, "male": 6}, "age_band": {"25-34": 11, "35-44": 1}}),
    ):
        a = services.activity_create(actor=leader, owner_unit=unit, title=title, **values)
        services.activity_document(
            actor=leader, activity=a, participants=participants, composition=composition
        )
        activities.append(a)
    c = client_as("admin")
    for a in activities:
        html = c.get(f"/participation/activities/{a.pk}/").content.decode()
        section = html[html.index('id="afterwards-heading"') :]
        assert _small_numbers_in_html(section.split("Minutes")[0]) == [], a.title
    for name in ("", "Bydel Nord", "Solsikken barnehage"):
        html = c.get(f"/participation/report/?unit={demo.units[name].pk}&year=2026").content.decode()
        section = html[html.index('id="groups-heading"') :]
        assert _small_numbers_in_html(section) == [], name


@pytest.mark.usefixtures("in_english")
def test_results_crosstabs_and_equity_groups_together_protect_small_groups(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    """The example of issue 5: a results crosstab by gender next to the equity report's groups.

    Every count the results API (unit overview, crosstabs by gender and age) and the equity API
    (representation groups, gap rows, headline) show for the round is given to the LP attacker,
    who must not pin any small respondent or answer cell inside (0, k).
    """
    from medvirk.insights.disclosure import ANSWER, SurveyDisclosure, answer_table, cell_key
    from medvirk.insights.tests.equity_fixtures import import_population
    from medvirk.surveys.models import SurveyQuestion

    import_population(demo)
    nord, sol = demo.units["Nordlys barnehage"], demo.units["Solsikken barnehage"]
    answer_many(survey, nord, [6, 6, 5, 5, 4, 4], bg_gender="female", bg_age="25-34")
    answer_many(survey, sol, [2, 3], bg_gender="male", bg_age="35-44")
    answer_many(survey, sol, [5] * 6, bg_gender="male", bg_age="25-34")
    close(survey)
    disclosure = SurveyDisclosure(survey)
    q = SurveyQuestion.objects.get(survey=survey, key="q_overall").pk
    c = client_as("admin")
    published: dict[str, int] = {}

    def publish(key: str, n: int | None) -> None:
        if n is None:
            return
        assert published.setdefault(key, n) == n, key  # both modules agree on every count
        assert n == 0 or n >= THRESHOLD, key

    for node in disclosure.tree.nodes:
        data = c.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={node}").json()
        publish(cell_key(node), data["group"]["respondents"])
        overall = next(x for x in data["questions"] if x["key"] == "q_overall")
        publish(ANSWER + cell_key(node), overall["unit"]["n"])
        for dim in ("gender", "age_band"):
            tab = c.get(
                f"/api/v1/results/surveys/{survey.pk}/crosstab?unit_id={node}&question=q_overall&by={dim}"
            ).json()
            for row in tab["rows"]:
                publish(ANSWER + cell_key(node, dim, row["key"]), row["figures"]["n"])
        rep = c.get(f"/api/v1/population/units/{node}/representation?survey_id={survey.pk}").json()
        publish(cell_key(node), rep["n"])
        for d in rep["dimensions"]:
            for g in d["groups"]:
                if not g["combined_small_groups"]:
                    publish(cell_key(node, d["dimension"], g["key"]), g["n"])
        gaps = c.get(f"/api/v1/population/units/{node}/gaps?survey_id={survey.pk}").json()
        for g in gaps["gaps"]:
            if g["question"] == "q_overall":
                publish(ANSWER + cell_key(node, g["dimension"], g["group"]), g["n"])
        for h in gaps["headline"]:
            if h["question"] == "q_overall":
                publish(ANSWER + cell_key(node), h["n"])
    assert any("|gender:" in k for k in published)  # the breakdowns were really shown
    table = answer_table(
        disclosure.tree, disclosure.layout, disclosure._respondent_leaf(), disclosure.answer_leaf(q)
    )
    assert set(published) <= {cell.key for cell in table.cells}
    hidden = {cell.key for cell in table.cells if cell.key not in published}
    assert [c for c in table.cells if c.key in hidden and c.published and 0 < c.count < THRESHOLD]
    assert leaks(table, published) == []


def test_a_hidden_unit_is_not_said_to_be_compared_with_last_round(demo: DemoData, client_as: Any) -> None:
    """The summary says “Compared with round 2025” only where a figure is compared with that round."""
    nordlys, sorbyen = demo.units["Nordlys barnehage"], demo.units["Sørbyen barnehage"]
    rounds = []
    for label in ("2025", "2026"):
        survey = make_survey(demo, round_label=label)
        answer_many(survey, demo.units["Solsikken barnehage"], [4, 5, 5, 6, 6, 6])
        answer_many(survey, nordlys, [1, 2, 2])  # too few both years: nothing to compare
        answer_many(survey, sorbyen, [3, 4, 5, 5, 6, 6, 6])
        rounds.append(close(survey))
    c = client_as("admin")
    c.get(f"/results/{rounds[0].pk}/")  # last round's decisions are made (a trend waits for them)
    shown = c.get(f"/results/{rounds[1].pk}/?unit={sorbyen.pk}").content.decode()
    assert "Sammenlignet med runde" in _element(shown, 'id="summary-heading"')
    hidden = c.get(f"/results/{rounds[1].pk}/?unit={nordlys.pk}").content.decode()
    assert 'id="unit-hidden"' in hidden and "Sammenlignet med runde" not in hidden


def test_a_unit_moved_after_the_round_closed_does_not_give_its_old_neighbour_away(
    closed: Any, demo: DemoData
) -> None:
    """Red team 5, reading figures on two days around one unit move: Bydel Nord (Solsikken 10,
    Nordlys 3) shows 13, Solsikken hidden to protect Nordlys. An administrator moves Solsikken
    to Bydel Sør (a reorganisation); Solsikken, now beside Sørbyen, is shown with its 10, and
    Solsikken's leader, who saw Bydel Nord's 13 for comparison before, reads Nordlys' 3 (and
    from the means its answers). The closed round needs the tree as it stood when it closed."""
    from medvirk.accounts import unit_services

    nord, sor, solsikken = (demo.units[n] for n in ("Bydel Nord", "Bydel Sør", "Solsikken barnehage"))
    before = {u.pk: SurveyResults(closed).group(u.pk) for u in (nord, sor, solsikken)}
    unit_services.unit_move(actor=demo.users["admin"], unit=solsikken, new_parent=sor)
    after = {u.pk: SurveyResults(closed).group(u.pk) for u in (nord, sor, solsikken)}
    assert before[nord.pk].shown and before[nord.pk].respondents == 13  # the attacker's first reading
    if after[solsikken.pk].shown:
        assert after[solsikken.pk].respondents is not None
        assert not 0 < 13 - after[solsikken.pk].respondents < THRESHOLD, "Nordlys' count, derived"
    # The closed round reads the tree it closed on: nothing it showed moves, in either district.
    for pk, group in before.items():
        assert (after[pk].shown, after[pk].respondents) == (group.shown, group.respondents)
    assert SurveyResults(closed).tree.ancestors(solsikken.pk)[-1] == nord.pk
