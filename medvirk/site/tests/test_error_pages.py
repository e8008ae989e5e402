"""Error pages speak the visitor's language and say what to do: never Django's English pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation

DJANGOS_OWN = ("Not Found", "The requested resource was not found", "Bad Request", "CSRF verification failed")


def _text(response: Any) -> str:
    return response.content.decode()


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", _fails)]


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_an_address_that_names_nothing_says_so_in_the_visitors_language() -> None:
    page = _text(Client().get("/this-is-no-page/"))
    assert "<h1" in page and "Fant ikke siden" in page
    assert "QR-koden til en undersøkelse" in page  # a parent whose poster link came in half
    assert not any(text in page for text in DJANGOS_OWN)
    english = _english(Client()).get("/a/no-such-link/")
    assert english.status_code == 404 and "Page not found" in _text(english)


@pytest.mark.django_db
def test_a_file_above_the_limit_gets_a_page_that_names_the_limit(settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 3 * 1024 * 1024
    big = Client().post("/a/code/", {"file": SimpleUploadedFile("x.bin", b"x" * (3 * 1024 * 1024 + 1))})
    assert big.status_code == 400
    page = _text(big)
    assert "høyst 3 MB" in page and "Ingenting ble lagret" in page
    assert not any(text in page for text in DJANGOS_OWN)


def test_a_staff_form_sent_from_a_stale_page_says_nothing_was_saved(client_as: Any) -> None:
    staff = client_as("analytiker")
    staff.handler.enforce_csrf_checks = True
    response = staff.post("/surveys/new/", {"title": "Ny runde"})  # no CSRF token: a page left open
    assert response.status_code == 403
    page = _text(response)
    assert "Skjemaet var utløpt" in page and "ble ikke lagret" in page
    assert not any(text in page for text in DJANGOS_OWN)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_page_says_it_was_not_the_visitors_fault() -> None:
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in _text(response) and "ikke på grunn av noe du gjorde" in _text(response)
    with translation.override("nn"):  # rendered without the request or the database
        assert "Noko gjekk gale hos oss" in loader.render_to_string("500.html")
