"""The operators' page as an API (superusers running an installation for several municipalities):
every municipality with counts and dates only, and starting a new one. Everyone else gets 404,
as on the page; the same services (``accounts.operators``, ``accounts.operator_services``)."""

from __future__ import annotations

import smtplib
from datetime import datetime

from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.operator_services import operator_municipality_start
from medvirk.accounts.operators import MunicipalityRow, municipality_overview, require_operator
from medvirk.accounts.requests import StaffRequest

from .base import MAIL_FAILED, fields_of, mail_failed

router = Router(tags=["operators"])


class MunicipalityOut(Schema):
    """One municipality: counts and dates only (data minimisation)."""

    id: int
    code: str
    name: str
    slug: str
    staff: int  # active staff users
    waiting: int  # invited, no password chosen yet
    units: int
    last_login: datetime | None
    last_change: datetime | None  # the newest event of its audit log


class MunicipalityStartIn(Schema):
    code: str  # the municipality number, four digits
    name: str
    admin_email: str  # the first administrator's e-mail address, also their username
    slug: str = ""  # short name in public addresses; made from the name when empty


class MunicipalityStartedOut(Schema):
    id: int
    code: str
    name: str
    slug: str
    admin_user_id: int
    admin_username: str


def _out(row: MunicipalityRow) -> MunicipalityOut:
    m = row.municipality
    return MunicipalityOut(
        id=m.pk,
        code=m.code,
        name=m.name,
        slug=m.slug,
        staff=row.staff,
        waiting=row.waiting,
        units=row.units,
        last_login=row.last_login,
        last_change=row.last_change,
    )


@router.get("/operator/municipalities", response=list[MunicipalityOut])
def list_municipalities(request: StaffRequest) -> list[MunicipalityOut]:
    """Every municipality on the installation, by name (operators only; 404 for everyone else)."""
    require_operator(request.user)
    return [_out(row) for row in municipality_overview()]


@router.post("/operator/municipalities", response={201: MunicipalityStartedOut, MAIL_FAILED: dict})
def start_municipality(
    request: StaffRequest, payload: MunicipalityStartIn
) -> Status[MunicipalityStartedOut] | Status[dict]:
    """Start a municipality: its top unit and first administrator, invited by e-mail; nothing is
    stored when any step fails, the e-mail included (503)."""
    require_operator(request.user)
    try:
        municipality, admin = operator_municipality_start(
            actor=request.user, base_url=request.build_absolute_uri("/"), **payload.dict()
        )
    except (OSError, smtplib.SMTPException):
        return mail_failed()
    started = fields_of(
        municipality, MunicipalityStartedOut, admin_user_id=admin.pk, admin_username=admin.username
    )
    return Status(201, MunicipalityStartedOut(**started))
