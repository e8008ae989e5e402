"""Forms for creating, editing and moving units of the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.core.forms import DsForm
from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind

CHILD_KINDS = [(k, label) for k, label in UnitKind.choices if k != UnitKind.MUNICIPALITY]


class UnitForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=CHILD_KINDS, initial=UnitKind.UNIT)
    service_area = forms.ChoiceField(label=_("Service area"), choices=ServiceArea.choices)
    region_code = forms.CharField(
        label=_("Region code (optional)"),
        max_length=12,
        required=False,
        help_text=_("Statistics Norway code of the area the unit covers, e.g. a city district."),
    )


class UnitEditForm(UnitForm):
    org_number = forms.CharField(
        label=_("Organisation number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Nine digits, from the Central Coordinating Register for Legal Entities."),
    )
    unit_code = forms.CharField(
        label=_("Unit code in the HR system (optional)"),
        max_length=40,
        required=False,
        help_text=_("Importing the organisation from the HR system finds the unit by this code."),
    )


class UnitCreateForm(UnitForm):
    parent = forms.TypedChoiceField(label=_("Place it under"), coerce=int)
    field_order = ["parent", "name", "kind", "service_area", "region_code"]

    def __init__(self, *args: object, parents: Iterable[OrgUnit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("parent").choices = unit_choices(parents)


class UnitMoveForm(DsForm):
    parent = forms.TypedChoiceField(label=_("New place in the organisation"), coerce=int)

    def __init__(self, *args: object, parents: Iterable[OrgUnit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("parent").choices = unit_choices(parents)
