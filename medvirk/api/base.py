"""The NinjaAPI instance: authentication and structured errors shared by every router."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import MISSING
from typing import Any, get_type_hints

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import PathView
from ninja.parser import Parser
from ninja.responses import Status
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel, ConfigDict, Field, create_model

from medvirk.accounts.services import token_authenticate
from medvirk.common.textfiles import TextFileError, TextProblem, load_json
from medvirk.core.errors import ServiceError
from medvirk.core.uploads import text_problem

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mvk_…`` with a token created on the API tokens page."""

    openapi_description = (
        "A personal API token: `Authorization: Bearer mvk_…`. Create one under Administration → "
        "API tokens (`/accounts/tokens/`); it is shown once, acts with your roles and can be revoked there."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


def json_number(value: Any) -> Any:
    """Return a figure as JSON can carry it: NaN and infinities (an estimate that could not be
    made, an unbounded interval) become null; tuples (intervals) become lists, element-wise."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [json_number(v) for v in value]
    return value


def fields_of(row: object, schema: type[BaseModel], **given: Any) -> dict[str, Any]:
    """Return ``schema``'s fields read from ``row``'s attributes of the same names, but ``given``.

    The one way a route answers with a stored row: its schema names the fields (``given`` for those
    the row has not as such: worked out, nested, from another row), not a dict written out by hand.
    """
    return {name: given[name] if name in given else getattr(row, name) for name in schema.model_fields}


def schema_of(operation: type, *, answer: bool = False) -> type[Schema]:
    """Return a schema with the fields of a domain dataclass: names, types and defaults.

    For a request body that is the dataclass's fields (a builder operation, a provider's details):
    the route's schema subclasses it and states only what the API takes differently. A field with
    a default factory gets the value it makes (pydantic copies a mutable default per request).
    ``answer``: for what a route answers with (a volunteer's details), where every field is always
    there: no defaults, so the OpenAPI document marks every field required.
    """
    hints = get_type_hints(operation)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(operation):
        if answer:
            default = ...
        elif field.default is not MISSING:
            default = field.default
        elif field.default_factory is not MISSING:
            default = field.default_factory()
        else:
            default = ...
        fields[field.name] = (hints[field.name], default)
    return create_model(f"{operation.__name__}Fields", __base__=Schema, **fields)


def patch_of(operation: type, *, only: Iterable[str] | None = None) -> type[Schema]:
    """Return a schema for a PATCH of a domain dataclass's fields (``only`` those named): each one
    optional, where one left out (or null) stays as it is.

    The route's schema subclasses it, so what a PATCH may change follows the dataclass.
    """
    hints = get_type_hints(operation)
    names = [f.name for f in dataclasses.fields(operation) if only is None or f.name in only]
    fields: dict[str, Any] = {name: (hints[name] | None, None) for name in names}
    return create_model(f"{operation.__name__}Patch", __base__=Schema, **fields)


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """Return the one error shape every API error uses."""
    return {"error": {"code": code, "message": message, **extra}}


MAIL_FAILED = 503  # the mail server refused or could not be reached


def mail_failed(message: str | None = None) -> Status[dict[str, Any]]:
    """Return the answer to a write whose e-mail could not be sent (by default: nothing was stored)."""
    if message is None:
        message = _("The invitation could not be sent, so nothing was stored. Check the e-mail settings.")
    return Status(MAIL_FAILED, error_body("email_failed", message))


_plain_not_allowed = PathView._not_allowed


def _structured_not_allowed(self: PathView) -> HttpResponse:
    """Ninja's own 405 is plain text; answer a wrong method with the structured error instead."""
    plain = _plain_not_allowed(self)
    return JsonResponse(
        error_body("method_not_allowed", _("This method is not allowed here.")),
        status=405,
        headers={"Allow": plain["Allow"]},
    )


# Ninja has no hook for 405, and every path view is created inside ninja's Router, so the
# method is replaced on the class (import order of the router modules does not matter).
PathView._not_allowed = _structured_not_allowed  # type: ignore[method-assign]


class StaffSession(SessionAuth):
    """The session of a staff user logged in to Medvirk's pages (ninja's ``django_auth``)."""

    openapi_description = (
        "The session cookie of a staff user logged in to Medvirk's pages (a script on those pages). "
        "Writes also need the CSRF token in the `X-CSRFToken` header."
    )


class JsonParser(Parser):
    """Request bodies through the one JSON loader: nesting beyond 64 levels is refused before
    any code recurses over it (``json.loads`` itself stops only near Python's recursion limit,
    and a document just under it broke every later recursive walk)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(request.body)


class ErrorDetail(Schema):
    code: str = Field(
        description="What went wrong, for programs: e.g. `not_found`, `validation_error`, `unit_closed`."
    )
    message: str = Field(
        description="The same in words, in the request's language (`Accept-Language`: nb, nn, en)."
    )
    field: str | None = Field(None, description="The request field a rule refused, when there is one.")
    fields: list[dict[str, Any]] | None = Field(
        None, description="`validation_error` only: each bad value's place (`loc`), `message` and `type`."
    )
    model_config = ConfigDict(extra="allow")  # some errors add their own details (an import's bad lines)


class Error(Schema):
    """The one shape of every error answer."""

    error: ErrorDetail


# The errors an operation may answer with, documented on every operation of the schema (below).
ERROR_DESCRIPTIONS = {
    400: "A rule refused the request: `code` says which, `message` says why, `field` names the value.",
    401: "No valid API token and no logged-in staff session (`unauthenticated`).",
    403: "Your roles do not allow this change (`forbidden`), or a session's write came without its "
    "CSRF token.",
    404: "Not found, or not yours to see: a missing object and one outside your roles' units both "
    "answer 404 (`not_found`), so an answer reveals nothing.",
    422: "A value is missing or of the wrong type (`validation_error`; `fields` lists each).",
}
_WRITES = {"post", "put", "patch", "delete"}
_GENERIC_OBJECT = {"additionalProperties": True, "title": "Response", "type": "object"}


def error_codes(method: str, operation: dict[str, Any]) -> list[int]:
    """Return the error statuses an operation may answer with, from how it is declared.

    Writes answer 400 when a service's rule refuses; with authentication, 401 without it and 403
    when a service refuses the actor; 404 for an object missing or out of reach (every staff
    operation reaches objects through the access helpers; public ones by their path); 422 for
    parameters or a body that do not validate.
    """
    secured = bool(operation.get("security"))
    write = method in _WRITES
    parameters = operation.get("parameters", [])
    codes = []
    if write:
        codes.append(400)
    if secured:
        codes.append(401)
    if secured and write:
        codes.append(403)
    if secured or any(p["in"] == "path" for p in parameters):
        codes.append(404)
    if parameters or "requestBody" in operation:
        codes.append(422)
    return codes


def document_errors(schema: dict[str, Any]) -> None:
    """Add the ``Error`` schema and each operation's error answers (those it declares keep theirs)."""
    error_schema = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(error_schema.pop("$defs", {}))
    components["Error"] = error_schema
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status, response in responses.items():
                content = response.get("content", {}).get("application/json", {})
                if int(status) >= 400 and content.get("schema") == _GENERIC_OBJECT:
                    content["schema"] = {"$ref": "#/components/schemas/Error"}
            for status in error_codes(method, operation):
                responses.setdefault(
                    status, {"description": ERROR_DESCRIPTIONS[status], "content": error_content}
                )


class MedvirkAPI(NinjaAPI):
    """Ninja's API with every operation's error answers in its OpenAPI schema."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


API_DESCRIPTION = """\
JSON API for Medvirk's staff, and a few public operations under `/api/v1/public/` that need no login.

**Authentication.** Send a personal API token: `Authorization: Bearer mvk_…`. A staff user creates
one under *Administration → API tokens* (*Administrasjon → API-nøkler*, nynorsk *API-nøklar*,
`/accounts/tokens/`); it is shown once, acts with that user's roles (so it sees and changes what
the user may in the pages) and is revoked on the same page. A script running in a logged-in
browser may use the session cookie instead; its writes need the CSRF token in the `X-CSRFToken`
header.

**Errors.** Every error answers `{"error": {"code", "message", ...}}` (the `Error` schema): `code`
for programs, `message` in words in the request's language (`Accept-Language`: nb, nn or en).
An object that does not exist and one outside the caller's roles both answer 404.
"""

# Each router's tag and what its operations are for, as /api/v1/docs groups them.
TAGS = {
    "public": "No login: a survey round's questions and respondents' answers through its public link "
    "(a municipality's published participation and organisations are under participation and partners).",
    "organisation": "The organisation tree: units, moving them, and importing the tree from the HR "
    "system's export.",
    "access": "Who you are (`/me`), roles on units, the audit log and staff invitations.",
    "operators": "For the operators of an installation serving several municipalities (superusers): "
    "the municipalities and starting a new one.",
    "surveys": "Survey rounds: made from the question bank or imported (XLSForm, JSON), opened and "
    "closed; their units, single-use codes, e-mail invitations and reminders, units' own questions.",
    "survey builder": "The survey builder's operations (one per request), the texts per language, the "
    "check before opening and a page as respondents see it.",
    "insights": "Survey results under the round's anonymity decision: figures, crosstabs, free text and "
    "exports (large ones as a background job).",
    "population": "Statistics Norway tables and their mapping, service-user counts per unit, and a "
    "unit's representation and gaps.",
    "participation": "Activities on the participation ladder, findings, measures and their updates, "
    "comparison with municipalities sharing their figures, and the public 'you said — we did'.",
    "partners": "The organisations register, contact log and yearly mapping per unit, and the public "
    "register.",
    "panels": "The volunteers' pool, fair panels (quotas, feasibility, the draw as a background job, "
    "its report) and councils.",
    "choice": "Free choice of provider: services and their rules, providers and approvals, clients, "
    "choices and switches, online requests, statistics.",
    "client feedback": "Client feedback (KOR/FIT): instruments (FHIR Questionnaire), episodes, sessions, "
    "ratings, client links, goals, the outcome dashboard and what matters to users.",
    "jobs": "Background jobs: progress (ask again until it is done) and the result to download.",
}

api = MedvirkAPI(
    parser=JsonParser(),
    title="Medvirk API",
    version="1.0.0",
    description=API_DESCRIPTION,
    auth=[TokenAuth(), StaffSession()],
    urls_namespace="api",
    openapi_extra={"tags": [{"name": name, "description": about} for name, about in TAGS.items()]},
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


# Errors that always answer the same: (exception, HTTP status, code, message).
_FIXED_ERRORS: list[tuple[type[Exception], int, str, Promise]] = [
    (Http404, 404, "not_found", gettext_lazy("Not found.")),
    (AuthenticationError, 401, "unauthenticated", gettext_lazy("Log in or send a valid API token.")),
    (RequestDataTooBig, 413, "request_too_large", gettext_lazy("The request is too large.")),
    (SuspiciousOperation, 400, "bad_request", gettext_lazy("The request is malformed.")),
]


_INVALID_DATA = gettext_lazy(
    "A value cannot be stored: a text is too long or holds a character such as NUL, or a number is too large."
)


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refuses: a NUL in any text on PostgreSQL (the staff API's text fields
    are not all checked one by one; the answering path refuses NUL per answer), a text longer
    than its column, a number out of a column's range. Nothing was stored (the statement
    failed); before, a 500 (red team 4). Logged, without the path (it may hold a secret link)
    or the value, so that a bug behind it is still seen."""
    logger.warning("The database refused a value in an API request: %s", exc)
    return api.create_response(request, error_body("invalid_data", str(_INVALID_DATA)), status=400)


def _fixed_error(
    status: int, code: str, message: Promise
) -> Callable[[HttpRequest, Exception | type[Exception]], HttpResponse]:
    def handler(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return api.create_response(request, error_body(code, str(message)), status=status)

    return handler


for _error, _status, _code, _message in _FIXED_ERRORS:
    api.add_exception_handler(_error, _fixed_error(_status, _code, _message))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__  # ninja wraps the parser's error in "Cannot parse request body"
    if isinstance(cause, TextFileError) and cause.code == TextProblem.JSON_DEPTH:
        return api.create_response(request, error_body(str(cause.code), text_problem(cause)), status=400)
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(
        request,
        error_body(str(exc.code), str(exc.message), field=exc.field, **exc.details),
        status=exc.status,
    )
