"""Results' writes (the export audit trail, background exports) check their actor themselves."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.core.models import AuditEvent, Job
from medvirk.insights import jobs, services
from medvirk.insights.tables import access_results
from medvirk.surveys.models import Survey
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_exports_without_the_right_are_refused_by_the_service(demo: Any) -> None:
    survey = Survey.objects.get(round_label="matrix-root")
    results, node_id = access_results(demo.users["admin"], survey.pk, None)
    unit = results.tree.nodes[node_id].unit
    reader = demo.users["lesetilgang"]  # sees results, may not export responses
    refused(lambda: services.raw_export_record(actor=reader, survey=survey, unit=unit, fmt="csv"))
    refused(lambda: jobs.export_start(actor=reader, results=results, node_id=node_id, fmt="csv"))
    assert not AuditEvent.objects.filter(action="results.raw_exported").exists()
    assert not Job.objects.filter(kind=jobs.EXPORT_JOB).exists()
