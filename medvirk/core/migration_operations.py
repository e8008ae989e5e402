"""Migration operations for changes Django's own operations make at a cost large tables cannot pay."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation


class DropKeyIndex(Operation):
    """Drop the index of its own that a foreign key has (``db_index``) on each of these models,
    and nothing else; backwards, create it again.

    Written by hand because Django has no operation for it: its ``AlterField`` (what
    ``makemigrations`` writes for ``db_index=False``) drops the key's constraint and adds it
    again, which on PostgreSQL checks every row under a lock that holds back writes (on the table
    of responses, every submission would wait), and on SQLite copies the whole table. The index
    dropped is the one ``AlterField`` would drop (found by its column); the state is the one
    ``AlterField`` would leave: the same field with ``db_index=False``. One operation names all
    of an app's models, since the field (``municipality`` unless said) is the same on each.
    """

    reversible = True

    def __init__(self, model_names: list[str], field: str = "municipality") -> None:
        self.model_names = list(model_names)
        self.field = field

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_names": self.model_names}
        if self.field != "municipality":
            kwargs["field"] = self.field
        return (self.__class__.__name__, [], kwargs)

    def describe(self) -> str:
        return f"Drop the own index of {self.field} on {', '.join(self.model_names)}"

    @property
    def migration_name_fragment(self) -> str:
        return f"drop_{self.field}_index"

    def state_forwards(self, app_label: str, state: Any) -> None:
        for model_name in self.model_names:
            field = state.models[app_label, model_name.lower()].fields[self.field]
            _name, _path, args, kwargs = field.deconstruct()
            if not kwargs.get("db_index", True):
                raise ValueError(f"{app_label}.{model_name}.{self.field} has no index of its own to drop")
            kwargs["db_index"] = False
            state.alter_field(app_label, model_name, self.field, field.__class__(*args, **kwargs), True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for model_name in self.model_names:
            model = from_state.apps.get_model(app_label, model_name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            names = schema_editor._constraint_names(
                model,
                [model._meta.get_field(self.field).column],
                index=True,
                unique=False,
                type_=models.Index.suffix,
                exclude={index.name for index in model._meta.indexes},
            )
            for name in names:
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for model_name in self.model_names:
            model = to_state.apps.get_model(app_label, model_name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.execute(
                    schema_editor._create_index_sql(model, fields=[model._meta.get_field(self.field)])
                )
