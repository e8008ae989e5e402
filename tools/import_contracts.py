"""A contract type for import-linter: apps that may use each other only through a public surface.

Written by hand because none of import-linter's own types says it without a list of every private
module (``forbidden`` and ``protected`` name the modules to keep out, so a module added later
would be open until someone remembered to list it). This one names the *public* modules instead,
so every new module starts private. It uses import-linter's documented extension point for
custom contract types (``contract_types`` in ``[tool.importlinter]``).

Options:

- ``apps``: the packages whose insides are private. An app in parentheses, ``(medvirk.choice)``,
  is optional: it may not exist yet.
- ``public``: the names of the modules (or packages, with all they contain) of each app that
  others may import, e.g. ``services``, ``selectors``, ``models``, ``types``.
- ``importers``: the packages this applies to (with everything inside them). An import from
  inside an app into the same app is never checked.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _optional(name: str) -> tuple[str, bool]:
    if name.startswith("(") and name.endswith(")"):
        return name[1:-1], True
    return name, False


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class PublicSurfaceContract(Contract):
    """Imports between ``apps`` (from ``importers``) may reach only each app's ``public`` modules."""

    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    importers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps: list[str] = []
        missing: list[str] = []
        for raw in self.apps:  # type: ignore[attr-defined]
            name, optional = _optional(str(raw))
            if name in graph.modules:
                apps.append(name)
            elif not optional:
                missing.append(name)
        if missing:
            raise ValueError(
                f"public_surface: no app {', '.join(missing)}; put an optional app in parentheses."
            )
        public = {str(name) for name in self.public}  # type: ignore[attr-defined]
        importers = [str(name) for name in self.importers]  # type: ignore[attr-defined]

        broken: list[dict[str, Any]] = []
        for app in apps:
            private = {
                module
                for module in graph.find_descendants(app)
                if module[len(app) + 1 :].split(".")[0] not in public
            }
            for module in sorted(private):
                for importer in sorted(graph.find_modules_that_directly_import(module)):
                    if _within(importer, app) or not any(_within(importer, i) for i in importers):
                        continue
                    lines = sorted(
                        {
                            d["line_number"]
                            for d in graph.get_import_details(importer=importer, imported=module)
                        }
                    )
                    broken.append({"app": app, "importer": importer, "imported": module, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken, "public": sorted(public)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        public = ", ".join(check.metadata["public"])
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} ({lines}): "
                f"{item['app']} is used only through its {public}",
                bold=False,
            )
        output.new_line()
