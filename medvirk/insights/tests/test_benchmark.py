"""National benchmark: pooled over municipalities, shown only with three other municipalities."""

from __future__ import annotations

import re
from typing import Any

import pytest

from medvirk.accounts.demo import DEMO_ACTOR, DemoData
from medvirk.accounts.models import Role, User
from medvirk.accounts.services import role_grant
from medvirk.accounts.unit_services import municipality_create, unit_create
from medvirk.orgs.models import ServiceArea
from medvirk.orgs.selectors import municipality_root
from medvirk.surveys import services
from medvirk.surveys.models import Channel, Survey, SurveyUnit
from medvirk.surveys.selectors import load_template
from tests.survey_rounds import close_round, submit

from ..benchmark import benchmark
from ..release import RoundOpen
from ..tables import SurveyResults
from .factories import erase_one

_n = iter(range(10_000))


pytestmark = pytest.mark.usefixtures("in_english")


def _run(
    actor: Any,
    owner: Any,
    units: list[Any],
    values: list[int],
    round_label: str = "2026",
    channels: list[str] | None = None,
    closed: bool = True,
) -> Survey:
    """Run the bank's kindergarten survey in ``units``; each value is one parent's overall rating.

    The round is closed after the answers (``closed``): only closed rounds have results and are
    pooled in the benchmark."""
    survey = services.survey_create(
        actor=actor,
        owner_unit=owner,
        document=load_template("kindergarten_parents").to_dict(),
        units=units,
        round_label=round_label,
    )
    su = SurveyUnit.objects.get(survey=survey, unit=units[0])
    for v, channel in zip(values, channels or [Channel.CODE] * len(values), strict=True):
        submit(
            su,
            {"bhg_helhet": v, "bhg_barnets_alder": "fra_3_ar", "bhg_info_onsker": ("mat", "dagen")},
            f"b{next(_n)}",
            channel=channel,
        )
    return close_round(survey) if closed else survey


def _municipality(
    code: str,
    values: list[int],
    round_label: str = "2026",
    channels: list[str] | None = None,
    closed: bool = True,
) -> Survey:
    muni = municipality_create(actor=DEMO_ACTOR, code=code, name=f"Kommune {code}", slug=f"k{code}")
    root = municipality_root(municipality=muni)
    unit = unit_create(
        actor=DEMO_ACTOR, parent=root, name="Barnehagen", service_area=ServiceArea.KINDERGARTEN
    )
    admin = User.objects.create(username=f"admin{code}", municipality=muni)
    role_grant(actor=DEMO_ACTOR, user=admin, unit=root, role=Role.ADMIN)
    return _run(admin, root, [unit], values, round_label, channels, closed)


@pytest.fixture
def own(demo: DemoData) -> Survey:
    # Every option chosen by at least three (or nobody), so every figure of the unit is shown.
    return _run(demo.users["admin"], demo.units[""], [demo.units["Solsikken barnehage"]], [6, 6, 6, 5, 5, 5])


def test_benchmark_needs_three_other_municipalities(own: Survey, demo: DemoData) -> None:
    _run(demo.users["provestad.admin"], demo.other_units[""], [demo.other_units["Torget barnehage"]], [1] * 6)
    _municipality("9001", [2, 2, 2, 3, 3, 3])
    result = benchmark(SurveyResults(own))
    assert result.template and not result.available  # two other municipalities: nothing shown
    _municipality("9002", [4, 4, 4])
    _municipality("9003", [5], round_label="2025")  # another round does not count
    still_open = _municipality("9004", [6] * 6, closed=False)  # nor an open one: it would move
    with pytest.raises(RoundOpen):  # with each answer; and an open round gets none itself
        benchmark(SurveyResults(still_open))
    result = benchmark(SurveyResults(own))
    assert result.available and result.municipalities == 4 and result.others == 3
    figures = result.figures["bhg_helhet"]
    values = [6, 6, 6, 5, 5, 5] + [1] * 6 + [2, 2, 2, 3, 3, 3] + [4, 4, 4]
    assert figures.n == len(values) and figures.mean.estimate == pytest.approx(sum(values) / len(values))
    assert figures.top_box.estimate == pytest.approx(6 / len(values))
    # multiple choice: n is respondents, not ticks
    info = result.figures["bhg_info_onsker"]
    assert info.n == len(values) and {o.key: o.count for o in info.options}["mat"] == len(values)
    # questions nobody else answered have no benchmark
    assert "bhg_trivsel_barn" not in result.figures


def test_benchmark_needs_threshold_answers_from_the_others(own: Survey, demo: DemoData) -> None:
    for code in ("9001", "9002", "9003"):
        _municipality(code, [3])  # three others, but together only 3 < 5 answers
    assert not benchmark(SurveyResults(own)).available


def test_answers_planted_on_other_municipalities_links_do_not_lift_the_benchmark(
    own: Survey, demo: DemoData
) -> None:
    # Three others with one real parent each (a letter with a code); the viewer adds two answers
    # through each one's poster link. Before, 9 ≥ 5 answers from 3 municipalities showed the
    # benchmark, and benchmark minus own minus planted gave the three parents' exact figures.
    for code in ("9001", "9002", "9003"):
        _municipality(code, [3, 1, 1], channels=[Channel.CODE, Channel.LINK, Channel.LINK])
    assert not benchmark(SurveyResults(own)).available
    _municipality("9004", [4, 5], channels=[Channel.EMAIL, Channel.CODE])  # 5 counted from 4 others
    result = benchmark(SurveyResults(own))
    assert result.available
    values = [6, 6, 6, 5, 5, 5] + [3, 1, 1] * 3 + [4, 5]  # figures of every answer (own: see the fixture)
    assert result.figures["bhg_helhet"].n == len(values)


def test_survey_outside_the_bank_has_no_benchmark(demo: DemoData) -> None:
    from .factories import close, make_survey

    result = benchmark(SurveyResults(close(make_survey(demo))))
    assert not result.template and not result.available


def test_page_and_api_show_the_benchmark(own: Survey, demo: DemoData, client_as: Any) -> None:
    c = client_as("leder.solsikken")
    page = c.get(f"/results/{own.pk}/").content.decode()
    assert "No national benchmark for round 2026 yet" in page and "National benchmark (" not in page
    data = c.get(f"/api/v1/results/surveys/{own.pk}").json()
    assert data["benchmark"]["template"] and not data["benchmark"]["available"]
    assert data["benchmark"]["municipalities"] is None
    _others(demo)
    page = c.get(f"/results/{own.pk}/").content.decode()
    assert "National benchmark (4 municipalities)" in page
    data = c.get(f"/api/v1/results/surveys/{own.pk}").json()
    assert data["benchmark"] == {
        "template": True,
        "available": True,
        "municipalities": 4,
        "other_municipalities": 3,
        "min_other_municipalities": 3,
        "being_updated": False,
    }
    q = next(q for q in data["questions"] if q["key"] == "bhg_helhet")
    assert q["benchmark"]["n"] == 15 and q["benchmark"]["mean"]["estimate"] == pytest.approx(51 / 15)
    # the other municipalities' surveys stay invisible to this user
    other = Survey.objects.filter(municipality=demo.other).first()
    assert c.get(f"/api/v1/results/surveys/{other.pk}").status_code == 404


def _svg(page: str, chart_id: str) -> str:
    """Return the SVG chart ``chart_id`` from a page ("" when there is none)."""
    match = re.search(rf'<svg [^>]*aria-labelledby="{chart_id}-title".*?</svg>', page, re.S)
    return match.group(0) if match else ""


def _others(demo: DemoData) -> None:
    """Give the benchmark three other municipalities: 15 answers in all, 6 of them in the top box.

    Each option the others chose was chosen by at least three, so every figure is shown.
    """
    _run(demo.users["provestad.admin"], demo.other_units[""], [demo.other_units["Torget barnehage"]], [1] * 3)
    _municipality("9001", [2, 2, 2])
    _municipality("9002", [3, 3, 3])


def test_comparison_chart_has_a_benchmark_bar_only_when_there_is_one(
    own: Survey, demo: DemoData, client_as: Any
) -> None:
    c = client_as("leder.solsikken")
    page = c.get(f"/results/{own.pk}/").content.decode()
    chart = _svg(page, "compare-bhg_helhet")
    assert "Solsikken barnehage" in chart  # the chart is there, with the unit's bar
    assert "mv-chart__bar--benchmark" not in page and ">National benchmark<" not in chart
    _others(demo)
    page = c.get(f"/results/{own.pk}/").content.decode()
    chart = _svg(page, "compare-bhg_helhet")
    bars = re.findall(r'<text class="mv-chart__label"[^>]*>([^<]*)</text>', chart)
    assert bars[0] == "Solsikken barnehage" and bars[-1] == "National benchmark"
    assert chart.count("mv-chart__bar--benchmark") == 1
    assert chart.count('class="mv-chart__ci"') == len(bars)  # the benchmark has its whisker too
    # the chart's value is the table's: 6 of 15 in the top box
    assert chart.rsplit('class="mv-chart__value"', 1)[1].split(">")[1].startswith("40 %")
    assert re.search(r"National benchmark \(4 municipalities\)</th><td>15</td><td>[^<]*</td><td>40 %", page)


def test_unit_report_compares_with_the_benchmark_only_when_there_is_one(
    own: Survey, demo: DemoData, client_as: Any, monkeypatch: Any
) -> None:
    from .. import pdf

    printed: list[str] = []
    real = pdf.report_html

    def spy(*args: Any, **kwargs: Any) -> str:
        printed.append(real(*args, **kwargs))
        return printed[-1]

    monkeypatch.setattr(pdf, "report_html", spy)
    c = client_as("leder.solsikken")
    response = c.get(f"/results/{own.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    body = printed[-1].split("<body", 1)[1]  # the inlined style sheet names every class
    assert "National benchmark" not in body and "mv-chart__bar--benchmark" not in body
    _others(demo)
    response = c.get(f"/results/{own.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = printed[-1].split("<body", 1)[1]
    assert "pools every municipality that ran the same question-bank template in round 2026" in html
    assert "4 municipalities, this one included" in html
    assert re.search(r"National benchmark \(4 municipalities\)</th><td>15</td><td>[^<]*</td><td>40 %", html)
    chart = _svg(html, "bench-bhg_helhet")
    bars = re.findall(r'<text class="mv-chart__label"[^>]*>([^<]*)</text>', chart)
    assert bars == ["Solsikken barnehage", "National benchmark"]
    assert chart.count("mv-chart__bar--benchmark") == 1
    # questions without a benchmark (nobody else answered them) get no comparison
    assert not _svg(html, "bench-bhg_trivsel_barn") and "bench-bhg_trivsel_barn-heading" not in html


# --- made ahead in the worker (issue 21): pages and the API only read it -------------------------


def _erase(survey: Survey) -> None:
    """Erase one parent's answers in ``survey`` (another municipality's closed round, say): the
    answers the benchmark pools change."""
    su = SurveyUnit.objects.filter(survey=survey).order_by("pk").first()
    assert su is not None
    erase_one(survey, su.unit)


def test_the_page_and_api_only_read_the_benchmark_the_worker_made(
    own: Survey, demo: DemoData, client_as: Any, monkeypatch: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from .. import benchmark as national

    _others(demo)
    call_command("warm_results", survey=[own.pk], stdout=StringIO())  # the worker, ahead of any page

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request pooled the municipalities' answers")

    monkeypatch.setattr(national, "_pooled", never)
    monkeypatch.setattr(national, "group_view", never)
    made = national.prepared_benchmark(user=None, results=SurveyResults(own), next_url="")
    assert made.available and made.made_at is not None and not made.stale
    c = client_as("leder.solsikken")
    page = c.get(f"/results/{own.pk}/").content.decode()
    assert "National benchmark (4 municipalities)" in page and "Being updated" not in page
    data = c.get(f"/api/v1/results/surveys/{own.pk}").json()
    assert data["benchmark"]["available"] and not data["benchmark"]["being_updated"]
    assert next(q for q in data["questions"] if q["key"] == "bhg_helhet")["benchmark"]["n"] == 15


def test_changed_answers_in_any_municipality_mark_the_benchmark_for_remaking(
    own: Survey, demo: DemoData, client_as: Any
) -> None:
    from django.test import override_settings

    from medvirk.core.models import Job
    from tests.jobs import DB_TASKS

    from .. import benchmark as national

    _others(demo)
    national.prepare(own)
    version = national.national_version(own)
    other = Survey.objects.get(municipality__code="9001", template_key=own.template_key)
    _erase(other)  # a parent's answers erased in another municipality of the same template and round
    assert national.national_version(own) != version
    c = client_as("leder.solsikken")
    with override_settings(TASKS=DB_TASKS):  # the worker has not run yet
        shown = national.prepared_benchmark(
            user=demo.users["leder.solsikken"], results=SurveyResults(own), next_url=""
        )
        assert shown.stale and shown.figures["bhg_helhet"].n == 15  # the last one made, marked
        job = shown.updating_job
        assert job is not None and job.kind == "insights.national" and job.params["survey_id"] == own.pk
        page = c.get(f"/results/{own.pk}/").content.decode()
        # Only closed rounds are pooled, so it is a round closing (or answers deleted) that moves it.
        assert "<strong>Being updated.</strong> A round has closed or answers have been deleted" in page
        assert "worked out again" not in page  # NATIONAL_BENCHMARK_EVERY_MINUTES = 0: at every answer
        assert c.get(f"/api/v1/results/surveys/{own.pk}").json()["benchmark"]["being_updated"]
        assert Job.objects.filter(kind="insights.national").count() == 1  # asked once, not per view
    national.prepare(own)  # the worker's job
    fresh = national.prepared_benchmark(user=None, results=SurveyResults(own), next_url="")
    assert not fresh.stale and fresh.figures["bhg_helhet"].n == 14


def test_the_first_benchmark_is_being_worked_out_while_the_worker_makes_it(
    own: Survey, demo: DemoData, client_as: Any
) -> None:
    from django.test import override_settings

    from tests.jobs import DB_TASKS

    _others(demo)
    SurveyResults(own).disclosure.decide()  # the round's own results are made; its benchmark is not
    with override_settings(TASKS=DB_TASKS):
        page = client_as("leder.solsikken").get(f"/results/{own.pk}/").content.decode()
    assert "The national benchmark for round 2026 is being worked out" in page
    assert "National benchmark (" not in page


def _others_with_a_single_1(demo: DemoData) -> Survey:
    """The others: 3 + 3 + 3 answers of 2, 3 and 4, and a single answer of 1 (below the threshold);
    return the last municipality's round."""
    _run(
        demo.users["provestad.admin"],
        demo.other_units[""],
        [demo.other_units["Torget barnehage"]],
        [2, 2, 2, 1],
    )
    _municipality("9001", [3, 3, 3])
    return _municipality("9002", [4, 4, 4])


def test_a_small_pooled_cell_is_withheld(own: Survey, demo: DemoData) -> None:
    from .. import benchmark as national

    _others_with_a_single_1(demo)
    figures = national.prepare(own).figures["bhg_helhet"]
    counts = {o.key: o.count for o in figures.options}
    assert counts["1"] is None  # one other parent's answer: withheld, as everywhere in the product
    # ... merged with the next option so it cannot be worked out from the total; the rest is shown
    assert figures.merged_labels == ("1", "2") and counts["2"] is None and figures.merged_count == 4
    assert figures.n == 16 and counts["3"] == counts["4"] == 3


# --- pooled at most every NATIONAL_BENCHMARK_EVERY_MINUTES (issue 21) -----------------------------


@pytest.fixture
def clock(monkeypatch: Any, settings: Any) -> list[float]:
    """The benchmark's clock, moved on by the test; pooling at most every 10 minutes."""
    from .. import benchmark as national

    settings.NATIONAL_BENCHMARK_EVERY_MINUTES = 10
    now = [1_800_000_000.0]
    monkeypatch.setattr(national, "_now", lambda: now[0])
    return now


@pytest.fixture
def poolings(monkeypatch: Any) -> list[bool]:
    """One entry per reading of every municipality's answers (all answers, then counted ones)."""
    from .. import benchmark as national

    calls: list[bool] = []
    pooled = national._pooled

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(bool(kwargs.get("counted_only")))
        return pooled(*args, **kwargs)

    monkeypatch.setattr(national, "_pooled", spy)
    return calls


def test_answers_within_the_interval_are_pooled_once_after_it(
    own: Survey, demo: DemoData, clock: list[float], poolings: list[bool], client_as: Any
) -> None:
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from medvirk.core.models import Job
    from tests.jobs import DB_TASKS

    from .. import benchmark as national

    _others(demo)
    other = _municipality("9003", [6] * 6)  # 21 answers pooled in all

    def worker_pass() -> None:
        call_command("warm_results", survey=[own.pk, other.pk], stdout=StringIO())

    worker_pass()
    assert poolings == [False, True]  # pooled once for both rounds and every language
    first = national.prepare(own)
    with override_settings(TASKS=DB_TASKS):  # a page's request for a new one would be queued
        for _ in range(5):  # the answers keep changing, the worker keeps passing
            clock[0] += 60
            _erase(other)
            worker_pass()
            shown = national.prepared_benchmark(user=None, results=SurveyResults(own), next_url="")
            assert shown.stale and shown.made_at == first.made_at  # the last one, "being updated"
            assert shown.figures["bhg_helhet"].n == 21
        # The page says in words how long a round that has just closed can take to reach it.
        c = client_as("leder.solsikken")
        for language, words in (
            ("en", "at most every 10 minutes, so a round that has just closed can take that long"),
            ("nb", "høyst hvert 10. minutt, så det kan ta så lang tid før en runde som nettopp er avsluttet"),
            ("nn", "høgst kvart 10. minutt, så det kan ta så lang tid før ein runde som nettopp er avslutta"),
        ):
            c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            page = c.get(f"/results/{own.pk}/").content.decode()
            assert words in " ".join(page.split()), language
        assert not Job.objects.filter(kind="insights.national").exists()  # nobody asked the worker
    assert poolings == [False, True]
    clock[0] += 6 * 60  # 11 minutes after the pooling
    _erase(other)
    worker_pass()
    assert poolings == [False, True] * 2  # pooled again, once
    fresh = national.prepared_benchmark(user=None, results=SurveyResults(own), next_url="")
    assert not fresh.stale and fresh.made_at == clock[0] and fresh.figures["bhg_helhet"].n == 15
    worker_pass()  # nothing new: nothing pooled
    assert poolings == [False, True] * 2


def test_a_small_pooled_cell_stays_withheld_when_the_last_pool_serves_new_answers(
    own: Survey, demo: DemoData, clock: list[float], poolings: list[bool]
) -> None:
    from .. import benchmark as national

    other = _others_with_a_single_1(demo)
    made = national.prepare(own)
    assert made.figures["bhg_helhet"].options[0].count is None  # one other parent's 1: withheld
    clock[0] += 60
    _erase(own)  # the round's own figures change: its benchmark is made from the last pool
    _erase(other)
    again = national.prepare(own)
    assert poolings == [False, True] and again.made_at == made.made_at
    assert again.figures["bhg_helhet"].n == 16 and again.figures["bhg_helhet"].options[0].count is None
    clock[0] += 10 * 60
    figures = national.prepare(own).figures["bhg_helhet"]
    assert poolings == [False, True] * 2
    counts = {o.key: o.count for o in figures.options}
    assert figures.n == 14 and counts["1"] is None  # one other parent's 1: still withheld
    assert counts["4"] is None  # two 4s left of three (threshold 3): withheld too


def test_the_national_job_decides_the_round_only_while_no_other_process_does(
    own: Survey, monkeypatch: Any
) -> None:
    """The national job a page starts decided the round beside ``warm_results`` and the page's own
    decide job (bench/mixed, issue 21): it decides under the round's lock, as they do."""
    import contextlib

    from .. import benchmark as national
    from ..disclosure import SurveyDisclosure

    held: list[int] = []

    @contextlib.contextmanager
    def deciding(survey: Survey, *, wait: bool = True) -> Any:
        assert wait  # a job waits for the other process, then finds its decisions
        held.append(survey.pk)
        try:
            yield True
        finally:
            held.remove(survey.pk)

    decided: list[list[int]] = []
    decide = SurveyDisclosure.decide

    def deciding_now(self: SurveyDisclosure, progress: Any = None) -> int:
        decided.append(list(held))
        return decide(self, progress)

    monkeypatch.setattr(national, "deciding", deciding)
    monkeypatch.setattr(SurveyDisclosure, "decide", deciding_now)
    national.prepare(own)
    assert decided == [[own.pk]] and held == []
