"""What every table stores about people: the declarations the record of processing is made from.

Every model declares, on the class itself, either what personal data it holds or that it holds
none::

    class Volunteer(TenantModel):
        personal_data = PersonalData(
            data=_("name, e-mail address, the answers to the sign-up form"),
            subjects=_("residents who volunteer for panels"),
            purpose=_("draw fair panels and invite the people drawn"),
            retention="panels.volunteers",   # a retention kind (core.retention) or words
            seen_by=_("staff who manage panels"),
        )

    class OrgUnit(TenantModel):
        personal_data = NO_PERSONAL_DATA

Models of Django and of libraries are declared by the app that installs them
(``declare_external`` in its ``AppConfig.ready``). ``tests/test_record_of_processing.py`` fails
for any model without a declaration and says what to add; the record of processing page
(Administration → Data protection) and its export are generated from these declarations, so the
record cannot drift from the code (GDPR art. 30).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: The attribute a model carries its declaration in.
ATTRIBUTE = "personal_data"

# Legal bases (GDPR art. 6) that several tables rest on, worded once for the record of processing.
BASIS_PUBLIC_TASK = _("GDPR art. 6(1)(e): the municipality's tasks (kommuneloven, brukermedvirkning)")
BASIS_CONSENT = _("GDPR art. 6(1)(a): consent")
BASIS_EMPLOYMENT = _("GDPR art. 6(1)(b) and (e): employment and the municipality's tasks")


@dataclass(frozen=True)
class PersonalData:
    """What a table stores about people, why, for how long and who sees it.

    ``retention`` is the key of a retention kind (``core.retention``: the municipality sets the
    period and the daily purge enforces it) or, where no purge applies, words saying how long
    (e.g. "as long as the account exists"). ``special`` marks special categories (GDPR art. 9:
    health, ethnicity) and ``pseudonymous`` tables that hold only ids or hashes that identify a
    person only together with another table.
    """

    data: str | Promise
    subjects: str | Promise
    purpose: str | Promise
    retention: str | Promise
    seen_by: str | Promise
    legal_basis: str | Promise = ""
    special: bool = False
    pseudonymous: bool = False
    #: The table's name in the record of processing, when the model has no translated
    #: ``verbose_name_plural`` of its own (Django's default, "role assignments", is English).
    table: str | Promise = ""


@dataclass(frozen=True)
class NoPersonalData:
    """The table holds nothing about a person (or only a staff user's id as author)."""


NO_PERSONAL_DATA = NoPersonalData()

Declaration = PersonalData | NoPersonalData

_EXTERNAL: dict[str, Declaration] = {}


def declare_external(label: str, declaration: Declaration) -> None:
    """Declare a model Medvirk does not define (``"sessions.session"``), from the installing app."""
    _EXTERNAL[label.lower()] = declaration


def declaration_of(model: type[models.Model]) -> Declaration | None:
    """Return the model's own declaration (not one inherited from a base class), or None."""
    own = model.__dict__.get(ATTRIBUTE)
    if isinstance(own, PersonalData | NoPersonalData):
        return own
    return _EXTERNAL.get(model._meta.label_lower)


def undeclared_models() -> list[type[models.Model]]:
    """Return every installed concrete model without a declaration."""
    return [
        model
        for model in apps.get_models(include_auto_created=False)
        if declaration_of(model) is None and not model._meta.auto_created
    ]


def how_to_declare(model: type[models.Model]) -> str:
    """Say exactly what to add for an undeclared model (the failing test prints this)."""
    module = model.__module__
    if module.startswith("medvirk."):
        where = f"in class {model.__name__} ({module.replace('.', '/')}.py)"
        head = "personal_data = "
    else:
        where = (
            f'in the ready() of the app that installs it: declare_external("{model._meta.label_lower}", ...)'
        )
        head = ""
    return (
        f"{model._meta.label}: add {where} either\n"
        f"    {head}NO_PERSONAL_DATA\n"
        f"or\n"
        f"    {head}PersonalData(data=_(what is stored), subjects=_(whose), purpose=_(why),\n"
        f'        retention="<app>.<kind>" or _(how long), seen_by=_(which roles))\n'
        f"(from medvirk.core.dataprotection import NO_PERSONAL_DATA, PersonalData)."
    )


@dataclass(frozen=True)
class ProcessingEntry:
    """One table holding personal data, as the record of processing lists it."""

    app_label: str
    module: str  # the app's verbose name
    table: str  # the model's verbose name (plural)
    declaration: PersonalData


def processing_entries() -> list[ProcessingEntry]:
    """Return every table holding personal data, grouped by module in INSTALLED_APPS order."""
    entries = []
    for config in apps.get_app_configs():
        for model in config.get_models():
            declaration = declaration_of(model)
            if isinstance(declaration, PersonalData):
                entries.append(
                    ProcessingEntry(
                        app_label=config.label,
                        module=str(config.verbose_name),
                        table=str(declaration.table or model._meta.verbose_name_plural),
                        declaration=declaration,
                    )
                )
    return entries


def text(value: Any) -> str:
    """Return a declaration's field as text in the active language."""
    return str(value) if value else ""
