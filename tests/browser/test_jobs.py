"""Background jobs in a real browser: the progress page updates itself (htmx) and passes axe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser


def test_job_page_shows_progress_and_then_the_result(page: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from medvirk.accounts.demo import load_demo
    from medvirk.core.models import Job, JobStatus
    from tests.jobs import make_job

    settings.MEDIA_ROOT = tmp_path
    demo = load_demo()
    job = make_job(
        demo.users["koordinator"],
        "panels.select",
        JobStatus.RUNNING,
        done=40,
        total=100,
        message="Raising the lowest chances step by step",
    )
    login(page, "koordinator")
    page.goto(page.base_url + f"/jobs/{job.pk}/")
    progress = page.locator("progress#mv-job-progress")
    assert progress.get_attribute("value") == "40" and progress.get_attribute("max") == "100"
    assert page.locator("#mv-job[role=status]").is_visible()
    assert_accessible(page)
    assert_fits_width(page)

    Job.objects.filter(pk=job.pk).update(done=70)
    page.wait_for_function("document.querySelector('progress#mv-job-progress')?.value === 70", timeout=6000)
    job.result_file.save("panel.csv", ContentFile(b"a;b\n"), save=False)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, done=100, result_file=job.result_file.name, result_name="panel.csv"
    )
    link = page.get_by_role("link", name="panel.csv")
    link.wait_for(timeout=6000)  # htmx swapped in the finished state without a reload
    assert page.locator("progress").count() == 0
    assert_accessible(page)

    # Work that prepares a page (a round's results): when it is done the browser goes there.
    prepare = make_job(
        demo.users["koordinator"],
        "insights.decide",
        JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
        done=1,
        total=4,
        message="Working out which figures can be shown without revealing anyone",
        result_url="/results/",
    )
    page.goto(page.base_url + f"/jobs/{prepare.pk}/")
    assert "Omtrent 25 % ferdig (1 av 4 trinn)." in page.locator("#mv-job").inner_text()  # bokmål
    Job.objects.filter(pk=prepare.pk).update(status=JobStatus.DONE, done=4)
    page.wait_for_url("**/results/", timeout=6000)


def test_panel_page_while_a_draw_runs_is_accessible(page: Any) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.core.models import JobStatus
    from medvirk.panels.demo import seed_panels_demo
    from tests.jobs import make_job

    demo = load_demo()
    panel = seed_panels_demo(demo)
    make_job(demo.users["admin"], "panels.select", JobStatus.QUEUED, params={"panel_id": panel.pk, "seed": 1})
    login(page, "koordinator")
    page.goto(page.base_url + f"/panels/{panel.pk}/")
    assert page.locator("progress#mv-job-progress").count() == 1
    assert page.locator(f"form[action='/panels/{panel.pk}/select/']").count() == 0
    assert_accessible(page)
    assert_fits_width(page)
