"""Order names in the database as a Norwegian reader expects (``medvirk.common.collation``).

``order_by(Norwegian("name"))`` sorts a–z, then æ, ø, å, small and capital letters together, on
every database and in every language of the pages. PostgreSQL uses its ICU collation
``nb-NO-x-icu`` (every PostgreSQL built with ICU has it, as Debian's and Ubuntu's are); SQLite
gets the same order from :func:`medvirk.common.collation.compare`, registered on each connection
(``CoreConfig.ready``). A database's own collation (binary ``C`` on our servers, English on many)
sorted "Åse" before "Ærlig" and every small letter after "Z".
"""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Collate

from medvirk.common.collation import compare, name_key

POSTGRESQL_COLLATION = "nb-NO-x-icu"
SQLITE_COLLATION = "medvirk_nb"

__all__ = ["Norwegian", "name_key", "register_sqlite_collation"]


class Norwegian(Collate):
    """A text column (or expression) in Norwegian alphabetical order, for ``order_by``."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        extra_context.setdefault("collation", connection.ops.quote_name(SQLITE_COLLATION))
        return super().as_sql(compiler, connection, **extra_context)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give a new SQLite connection the Norwegian collation (``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)
