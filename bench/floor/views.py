"""POST /bench/floor/: insert one fixed row and answer 201 (no parsing, no validation)."""

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import FloorRow


@csrf_exempt  # a benchmark floor like the public JSON API, which has no session either
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    FloorRow.objects.create(created_on=dt.date(2026, 1, 1), label="floor")
    return JsonResponse({"status": "stored"}, status=201)
