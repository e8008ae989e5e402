"""Staff page: import the organisation tree from the HR system's export, with a preview."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medvirk.core.forms import BoundedFileField, DsForm
from medvirk.core.views import ImportSteps, import_preview_page, staff_view

from . import org_import, org_import_services
from .access import administered_municipality
from .requests import StaffRequest


class TreeFileForm(DsForm):
    file = BoundedFileField(
        max_bytes=org_import.MAX_BYTES,
        label=gettext_lazy("File from the HR system (CSV or Excel)"),
        help_text=gettext_lazy(
            "One line per unit. Columns: enhet, overordnet, tjenesteområde, organisasjonsnummer, and "
            "optionally enhetskode and nivå. Comma, semicolon or tab; or an .xlsx workbook (first sheet)."
        ),
    )


@staff_view
def tree_import(request: StaffRequest) -> HttpResponse:
    """Upload → preview with a verdict per line → confirm (the lines travel signed): all or nothing."""
    municipality = administered_municipality(request.user)

    closed: list[org_import.MissingUnit] = []

    def store(lines: list[org_import.TreeLine]) -> tuple[int, int]:
        # The units the administrator ticked among those the file no longer lists (the service
        # plans them again and closes only those still missing).
        close = [int(pk) for pk in request.POST.getlist("close") if pk.isdigit()]
        plan = org_import_services.org_tree_import(
            actor=request.user, municipality=municipality, lines=lines, close=close
        )
        closed.extend(plan.closed)
        return plan.created, plan.updated

    def stored(created: int, changed: int) -> str:
        message = _("The organisation was imported: %(created)d new units, %(updated)d changed.") % {
            "created": created,
            "updated": changed,
        }
        if closed:
            message += " " + ngettext(
                "%(n)d unit marked closed.", "%(n)d units marked closed.", len(closed)
            ) % {"n": len(closed)}
        return message

    return import_preview_page(
        request,
        ImportSteps(
            form=TreeFileForm,
            parse=lambda data: org_import.preview_file(data, municipality=municipality),
            sign=org_import.lines_sign,
            unsign=org_import.lines_load,
            store=store,
            stored=stored,
            template="orgs/import.html",
            upload_url="orgs:import",
            done_url="orgs:tree",
        ),
    )
