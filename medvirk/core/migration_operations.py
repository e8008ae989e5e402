"""Migration operations for changes Django's own operations make at a cost large tables cannot pay."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


class AlterKeyIndex(migrations.AlterField):
    """Change only whether a foreign key has an index of its own (``db_index``): drop or create
    that index, and nothing else.

    Django's ``AlterField`` drops the key's constraint and adds it again, which on PostgreSQL
    checks every row under a lock that holds back writes (on the table of responses, every
    submission would wait), and on SQLite copies the whole table. The index dropped is the one
    Django's ``AlterField`` would drop (found by its column); the state is ``AlterField``'s.
    """

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:  # also backwards: ``AlterField.database_backwards`` calls it with the states swapped
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return
        old, new = from_model._meta.get_field(self.name), to_model._meta.get_field(self.name)
        before, after = old.deconstruct()[3], new.deconstruct()[3]
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        if changed - {"db_index"} or old.column != new.column:
            raise ValueError(f"AlterKeyIndex changes db_index only, not {sorted(changed - {'db_index'})}")
        if old.db_index and not new.db_index:
            names = schema_editor._constraint_names(
                from_model,
                [old.column],
                index=True,
                unique=False,
                type_=models.Index.suffix,
                exclude={index.name for index in from_model._meta.indexes},
            )
            for name in names:
                schema_editor.execute(schema_editor._delete_index_sql(from_model, name))
        elif new.db_index and not old.db_index:
            schema_editor.execute(schema_editor._create_index_sql(to_model, fields=[new]))
