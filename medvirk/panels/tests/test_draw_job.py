"""Drawing a panel as a background job: progress phases, the panel page while it runs, the worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from medvirk.core.errors import ServiceError
from medvirk.core.models import Job, JobStatus
from medvirk.panels import selection, services
from medvirk.panels.choices import PanelStatus
from medvirk.panels.demo import seed_panels_demo
from medvirk.panels.models import Panel, Volunteer
from tests.jobs import DB_TASKS, make_job, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(demo: Any) -> Panel:
    return seed_panels_demo(demo)


def test_progress_reports_the_phases_in_order(panel: Panel, demo: Any) -> None:
    heard: list[tuple[str, float]] = []
    services.panel_select(
        actor=demo.users["koordinator"], panel=panel, seed=3, progress=lambda p, f: heard.append((p, f))
    )
    phases = [p for p, _f in heard]
    assert phases[0] == "check" and phases[-2:] == ["draw", "save"]
    assert {"setup", "initial", "done"} <= set(phases)
    fractions = [f for _p, f in heard]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] < 1


def test_select_page_runs_the_draw_as_a_job(panel: Panel, client_as: Any) -> None:
    response = client_as("koordinator").post(f"/panels/{panel.pk}/select/", {"seed": "42"})
    assert response["Location"] == f"/panels/{panel.pk}/report/"  # finished at once (immediate backend)
    job = Job.objects.get(kind="panels.select", params__panel_id=panel.pk)
    assert job.status == JobStatus.DONE and (job.done, job.total) == (100, 100)
    assert job.params["seed"] == 42 and job.result["seed"] == 42
    assert job.result_url == f"/panels/{panel.pk}/report/"
    panel.refresh_from_db()
    assert panel.status == PanelStatus.SELECTED and panel.seed == 42


def test_a_failed_draw_is_explained_on_the_panel_page(panel: Panel, demo: Any, client_as: Any) -> None:
    services.quotas_set(actor=demo.users["admin"], panel=panel, quotas=[("gender", "other", 50, 60)])
    client = client_as("koordinator")
    response = client.post(f"/panels/{panel.pk}/select/", {"seed": "1"}, follow=True)
    page = response.content.decode()
    assert "No panel can meet these quotas with this pool" in page
    assert "The last draw" in page and "Failed" in page
    assert not panel.runs.exists()


@override_settings(TASKS=DB_TASKS)
def test_panel_page_follows_a_queued_draw_until_the_worker_finishes(panel: Panel, client_as: Any) -> None:
    client = client_as("koordinator")
    response = client.post(f"/panels/{panel.pk}/select/", {"seed": "7"})
    job = Job.objects.get(kind="panels.select", params__panel_id=panel.pk)
    assert job.status == JobStatus.QUEUED
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert "The work runs on the server" in client.get(response["Location"]).content.decode()

    page = client.get(f"/panels/{panel.pk}/").content.decode()
    assert "The panel is being drawn" in page and "<progress" in page
    assert f'hx-get="/panels/{panel.pk}/draw/"' in page and 'http-equiv="refresh"' in page
    assert f'action="/panels/{panel.pk}/select/"' not in page  # no second draw meanwhile
    again = client.post(f"/panels/{panel.pk}/select/", {"seed": "8"}, follow=True)
    assert "already being drawn" in again.content.decode()
    # Another coordinator sees the draw's progress on the panel page (not the job page: not theirs).
    other = client_as("admin")
    assert other.get(f"/panels/{panel.pk}/draw/", headers={"HX-Request": "true"}).status_code == 200

    run_worker("panels-test")
    job.refresh_from_db()
    panel.refresh_from_db()
    assert job.status == JobStatus.DONE and panel.status == PanelStatus.SELECTED and panel.seed == 7
    final = client.get(f"/panels/{panel.pk}/draw/", headers={"HX-Request": "true"})
    assert final.status_code == 286 and f"/panels/{panel.pk}/report/" in final.content.decode()
    page = client.get(f"/panels/{panel.pk}/").content.decode()
    assert "http-equiv" not in page and "The panel is being drawn" not in page
    assert client.get(f"/panels/{panel.pk}/report/").status_code == 200


@override_settings(TASKS=DB_TASKS)
def test_api_select_returns_the_job_to_poll(panel: Panel, client_as: Any) -> None:
    client = client_as("koordinator")
    body = client.post(
        f"/api/v1/panels/{panel.pk}/select", {"seed": 5}, content_type="application/json"
    ).json()
    assert body["job"]["status"] == "queued" and body["report"] is None
    run_worker("panels-test")
    job = client.get(f"/api/v1/jobs/{body['job_id']}").json()
    assert job["status"] == "done" and job["result"]["panel_id"] == panel.pk
    assert client.get(f"/api/v1/panels/{panel.pk}/report").json()["seed"] == 5


def test_draw_status_needs_a_draw_and_panel_access(panel: Panel, client_as: Any) -> None:
    assert client_as("koordinator").get(f"/panels/{panel.pk}/draw/").status_code == 404  # no draw yet
    client_as("koordinator").post(f"/panels/{panel.pk}/select/", {"seed": "1"})
    assert client_as("koordinator").get(f"/panels/{panel.pk}/draw/").status_code == 200
    for actor in ("analytiker", "provestad.admin"):
        assert client_as(actor).get(f"/panels/{panel.pk}/draw/").status_code == 404


def test_changes_during_the_computation_are_not_overwritten(panel: Panel, demo: Any) -> None:
    actor = demo.users["koordinator"]

    def change_quotas(phase: str, fraction: float) -> None:
        if phase == "draw":  # the lottery is computed; someone edits the quotas meanwhile
            services.quotas_set(actor=actor, panel=panel, quotas=[("gender", "female", 0, 12)])

    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=actor, panel=panel, seed=1, progress=change_quotas)
    assert error.value.code == "panel_changed" and not panel.runs.exists()

    def withdraw_everyone(phase: str, fraction: float) -> None:
        if phase == "save":
            Volunteer.objects.filter(municipality=panel.municipality).delete()

    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=actor, panel=panel, seed=1, progress=withdraw_everyone)
    assert error.value.code == "pool_changed" and not panel.runs.exists()
    panel.refresh_from_db()
    assert panel.status == PanelStatus.DRAFT


def test_a_stalled_draw_can_be_started_again(panel: Panel, demo: Any, client_as: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    stuck = make_job(
        demo.users["koordinator"],
        "panels.select",
        JobStatus.RUNNING,
        params={"panel_id": panel.pk, "seed": 1},
    )
    client = client_as("koordinator")
    refused = client.post(f"/panels/{panel.pk}/select/", {"seed": "2"}, follow=True)
    assert "already being drawn" in refused.content.decode()  # still alive: wait for it
    Job.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(minutes=31))
    page = client.get(f"/jobs/{stuck.pk}/").content.decode()
    assert "the server may have stopped the work" in page
    assert client.post(f"/panels/{panel.pk}/select/", {"seed": "2"}).status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "stopped on the server" in stuck.error
    panel.refresh_from_db()
    assert panel.status == PanelStatus.SELECTED and panel.seed == 2


def test_a_draw_that_cannot_finish_is_explained_in_words(
    panel: Panel, demo: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every solver call of the draw now has limits; when even the exact method cannot finish
    # within them, the coordinator reads why and what to do, and no panel is stored.
    from medvirk.analysis.selection import SolverLimits

    monkeypatch.setattr(selection, "DRAW_LIMITS", SolverLimits(run_seconds=0.0))
    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=demo.users["koordinator"], panel=panel, seed=1)
    assert error.value.code == "draw_unfinished"
    page = client_as("koordinator").post(f"/panels/{panel.pk}/select/", {"seed": "1"}, follow=True)
    text = page.content.decode()
    assert "could not be worked out within 1 minute for this pool" in text and "Draw again" in text
    assert not panel.runs.exists()
    panel.refresh_from_db()
    assert panel.status == PanelStatus.DRAFT


def test_a_stalled_lottery_is_reported_not_hung(
    panel: Panel, demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quota check finishes, then every LP of the lottery stalls (even with HiGHS's defaults).
    from medvirk.analysis.selection._highs import Solver

    real = Solver._attempt

    def attempt(self: Solver) -> Any:
        import highspy

        if self.what in {"relaxation LP", "stage LP"}:
            return highspy.HighsModelStatus.kTimeLimit
        return real(self)

    monkeypatch.setattr(Solver, "_attempt", attempt)
    with pytest.raises(ServiceError) as error:
        services.panel_select(actor=demo.users["koordinator"], panel=panel, seed=1)
    assert error.value.code == "draw_unfinished" and not panel.runs.exists()


def test_a_draw_ends_before_the_job_counts_as_stalled() -> None:
    # Otherwise a second draw could start while the first one is still working.
    from django.conf import settings

    assert selection.DRAW_LIMITS.run_seconds < settings.JOB_STALL_MINUTES * 60


def test_an_unfinished_quota_check_does_not_block_the_draw(
    panel: Panel, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medvirk.analysis.selection import SolverLimits

    monkeypatch.setattr(selection, "CHECK_LIMITS", SolverLimits(run_seconds=0.0))
    page = client_as("koordinator").get(f"/panels/{panel.pk}/").content.decode()
    assert "The check could not finish quickly this time" in page
    assert "No panel can meet all the quotas" not in page
    form = page[page.index(f'action="/panels/{panel.pk}/select/"') :]
    assert "disabled" not in form[: form.index("</form>")]
    api = client_as("koordinator").get(f"/api/v1/panels/{panel.pk}/feasibility").json()
    assert api["decided"] is False and api["feasible"] is False
    assert api["issue_codes"] == ["check_unfinished"]
