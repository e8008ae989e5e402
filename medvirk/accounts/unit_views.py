"""Staff pages for the organisation tree: fetch with access check, act, respond."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.core.forms import form_submitted, form_submitted_to
from medvirk.core.ordering import Norwegian
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.selectors import build_forest, unit_ancestors

from . import unit_services as services
from .access import access_unit_by_id, can, units_for, units_for_new_work
from .models import RoleAssignment
from .permissions import Perm
from .requests import StaffRequest
from .unit_forms import UnitCreateForm, UnitEditForm, UnitMoveForm


@staff_view
def tree(request: HttpRequest) -> HttpResponse:
    """Show every unit the user may see, nested."""
    units = list(units_for(request.user, Perm.ORG_VIEW))
    if not units:
        raise Http404
    can_manage = bool(units_for(request.user, Perm.ORG_MANAGE).exists())
    # Importing needs the whole municipality: the top unit is the first of the tree (ordered by path).
    can_import = can_manage and any(
        u.parent_id is None and can(request.user, Perm.ORG_MANAGE, u) for u in units
    )
    context = {"forest": build_forest(units), "can_manage": can_manage, "can_import": can_import}
    return render(request, "orgs/tree.html", context)


@staff_view
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Show one unit, its place in the tree and its children."""
    unit = access_unit_by_id(request.user, unit_id, Perm.ORG_VIEW)
    user = request.user
    ancestors = [a for a in unit_ancestors(unit=unit) if can(user, Perm.ORG_VIEW, a)]
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": unit.children.order_by(Norwegian("name")),
        "can_edit": can(user, Perm.UNIT_EDIT, unit),
        "can_manage": can(user, Perm.ORG_MANAGE, unit),
        "can_move": unit.parent_id is not None and can(user, Perm.ORG_MANAGE, unit),
        "can_contacts": can(user, Perm.CONTACT_LOG, unit),
        "roles": (
            RoleAssignment.objects.filter(unit=unit).select_related("user")
            if can(user, Perm.ROLES_MANAGE, unit)
            else None
        ),
    }
    return render(request, "orgs/unit_detail.html", context)


@staff_view
def unit_create(request: StaffRequest) -> HttpResponse:
    """Create a unit under a unit the user manages."""
    parents = list(units_for_new_work(request.user, Perm.ORG_MANAGE))
    if not parents:
        raise Http404
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = access_unit_by_id(request.user, request.GET["parent"], Perm.ORG_MANAGE).pk
    form = UnitCreateForm(request.POST or None, parents=parents, initial=initial)
    if done := form_submitted(
        request,
        form,
        _("The unit was created."),
        lambda: services.unit_create(
            actor=request.user,
            parent=access_unit_by_id(request.user, form.cleaned_data["parent"], Perm.ORG_MANAGE),
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            service_area=form.cleaned_data["service_area"],
            region_code=form.cleaned_data["region_code"],
        ),
    ):
        return redirect("orgs:unit_detail", done.result.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "title": _("New unit")})


@staff_view
def unit_edit(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Edit a unit's details."""
    unit = access_unit_by_id(request.user, unit_id, Perm.UNIT_EDIT)
    form = UnitEditForm(request.POST or None, initial={f: getattr(unit, f) for f in UnitEditForm.base_fields})
    if unit.parent_id is None:
        del form.fields["kind"]  # the root's kind stays (the service leaves it when not given)
    if form_submitted_to(request, form, _("The changes were saved."), services.unit_update, unit=unit):
        return redirect("orgs:unit_detail", unit.pk)
    title = _("Edit %(name)s") % {"name": unit.name}
    return render(request, "orgs/unit_form.html", {"form": form, "title": title, "unit": unit})


@staff_view
def unit_move(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Move a unit (and everything below it) elsewhere in the tree."""
    unit = access_unit_by_id(request.user, unit_id, Perm.ORG_MANAGE)
    if unit.parent_id is None:
        raise Http404
    open_units = units_for_new_work(request.user, Perm.ORG_MANAGE)
    parents = [u for u in open_units if not u.path.startswith(unit.path)]
    form = UnitMoveForm(request.POST or None, parents=parents, initial={"parent": unit.parent_id})
    if form_submitted(
        request,
        form,
        _("The unit was moved."),
        lambda: services.unit_move(
            actor=request.user,
            unit=unit,
            new_parent=access_unit_by_id(request.user, form.cleaned_data["parent"], Perm.ORG_MANAGE),
        ),
    ):
        return redirect("orgs:unit_detail", unit.pk)
    title = _("Move %(name)s") % {"name": unit.name}
    return render(request, "orgs/unit_form.html", {"form": form, "title": title, "unit": unit})


@staff_view
@require_POST
def unit_reopen(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Reopen a unit the organisation import marked closed, so pickers offer it again."""
    unit = access_unit_by_id(request.user, unit_id, Perm.ORG_MANAGE)
    service_done(
        request,
        _("The unit is open again."),
        lambda: services.unit_reopen(actor=request.user, unit=unit),
    )
    return redirect("orgs:unit_detail", unit.pk)
