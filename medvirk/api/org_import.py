"""Importing the organisation tree from the HR system's export; mounted before the units' routes,
so ``/units/import`` is not read as a unit's id."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import ngettext
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts import org_import, org_import_services
from medvirk.accounts.access import administered_municipality
from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import fields_of

router = Router(tags=["organisation"])


class TreeImportIn(Schema):
    """The HR system's export: CSV text, or an .xlsx workbook in base64; ``dry_run`` only checks it.

    ``close``: ids of units to mark closed among those the file no longer lists (``missing`` in
    the answer); nothing is deleted.
    """

    csv: str | None = None
    xlsx_base64: str | None = None
    dry_run: bool = False
    close: list[int] = []


class TreeLineOut(Schema):
    line: int
    name: str
    parent: str
    result: str  # create, update, unchanged or error
    changes: list[str]
    problems: list[str]


class MissingUnitOut(Schema):
    """A unit in Medvirk that the file does not list (likely closed in the HR system)."""

    id: int
    name: str
    parent: str


class ErrorOut(Schema):
    code: str
    message: str


class TreeImportOut(Schema):
    """The plan (or what was imported); on 400 also ``error`` in the API's one error shape."""

    error: ErrorOut | None = None
    created: int
    updated: int
    unchanged: int
    imported: bool
    errors: list[str]
    lines: list[TreeLineOut]
    missing: list[MissingUnitOut]  # open units the file lists neither as a line nor as a parent
    closed: list[MissingUnitOut]  # those the import marked closed (from ``close``)


@router.post("/units/import", response={200: TreeImportOut, 201: TreeImportOut, 400: TreeImportOut})
def import_tree(request: StaffRequest, payload: TreeImportIn) -> Status[TreeImportOut]:
    """Check (``dry_run``) or import the organisation tree: every line or none; every bad line listed."""
    municipality = administered_municipality(request.user)
    if payload.xlsx_base64 is not None:
        try:
            data, filename = base64.b64decode(payload.xlsx_base64, validate=True), "tree.xlsx"
        except (binascii.Error, ValueError):  # ValueError: characters outside ASCII
            data, filename = b"", "tree.xlsx"
    else:
        data, filename = (payload.csv or "").encode("utf-8"), "tree.csv"
    tree_file = org_import.read_tree_file(data, filename)
    plan = org_import.tree_plan(municipality=municipality, lines=tree_file.lines) if tree_file.lines else None
    imported = False
    if plan is not None and plan.importable and not payload.dry_run:
        plan = org_import_services.org_tree_import(
            actor=request.user, municipality=municipality, lines=tree_file.lines, close=payload.close
        )
        imported = True
    body = TreeImportOut(
        created=plan.created if plan else 0,
        updated=plan.updated if plan else 0,
        unchanged=plan.unchanged if plan else 0,
        imported=imported,
        errors=tree_file.errors,
        lines=[
            TreeLineOut(**fields_of(p, TreeLineOut, parent=p.parent_name, result=p.action))
            for p in (plan.lines if plan else [])
        ],
        missing=[
            MissingUnitOut(id=u.pk, name=u.name, parent=u.parent_name) for u in (plan.missing if plan else [])
        ],
        closed=[
            MissingUnitOut(id=u.pk, name=u.name, parent=u.parent_name) for u in (plan.closed if plan else [])
        ],
    )
    if plan is None or not plan.importable:
        problems = len([p for p in body.lines if p.problems])
        message = (
            "; ".join(tree_file.errors)
            if tree_file.errors
            else ngettext(
                "%(n)d line has problems; nothing was imported.",
                "%(n)d lines have problems; nothing was imported.",
                problems,
            )
            % {"n": problems}
        )
        body.error = ErrorOut(code="tree_not_importable", message=message)
        return Status(400, body)
    return Status(201 if imported else 200, body)
