"""The NinjaAPI instance: authentication and structured errors shared by every router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from medvirk.accounts.services import token_authenticate
from medvirk.core.errors import ServiceError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mvk_…`` with a token created on the API tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """Return the one error shape every API error uses."""
    return {"error": {"code": code, "message": message, **extra}}


api = NinjaAPI(
    title="Medvirk API",
    version="1.0.0",
    description="JSON API for Medvirk. Authenticate with a staff API token (Bearer) or a staff session.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [
        {
            "loc": [str(p) for p in err.get("loc", [])],
            "message": str(err.get("msg", "")),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    return api.create_response(
        request,
        error_body("validation_error", _("Some values are missing or invalid."), fields=fields),
        status=422,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", _("Log in or send a valid API token.")), status=401
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(
        request,
        error_body(exc.code, str(exc.message), field=exc.field),
        status=403 if exc.code == "forbidden" else 400,
    )


ERROR_RESPONSES = {400: dict, 401: dict, 404: dict, 422: dict}
