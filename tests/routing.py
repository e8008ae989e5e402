"""Would Citus route this statement to one shard? A checker over the SQL Django really sends.

Citus sends a statement to one shard when every distributed table in it is pinned to one
municipality: by ``municipality_id = <value>`` on that table, or by equality with the
``municipality_id`` of a table that is pinned (a co-located join). A request that arrives with an
entry key (docs/scaling.md) may find its municipality by that key first. Written with sqlglot's
parser because neither Django nor sqlglot answers the routing question itself; the rules are
the documented ones of Citus's router planner, kept to what Medvirk's queries need.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp

MUNICIPALITY = "municipality_id"


def _column(node: Any, tables: dict[str, str]) -> tuple[str, str] | None:
    """(table alias, column) of a column reference; an unqualified one belongs to the only table."""
    node = node.unnest()  # Django writes a right-hand column in parentheses
    if not isinstance(node, exp.Column):
        return None
    if node.table:
        return node.table, node.name
    return (next(iter(tables)), node.name) if len(tables) == 1 else None


def _constant(node: Any) -> bool:
    node = node.unnest()
    return isinstance(node, exp.Literal | exp.Placeholder | exp.Parameter)


def _conjuncts(condition: Any) -> Iterable[Any]:
    """The parts of a condition joined by AND (an OR decides nothing about routing)."""
    if condition is None:
        return
    node = condition.unnest()
    if isinstance(node, exp.And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _conditions(scope: Any) -> list[Any]:
    found: list[Any] = []
    where = scope.args.get("where")
    if where is not None:
        found += _conjuncts(where.this)
    for join in scope.args.get("joins") or []:
        found += _conjuncts(join.args.get("on"))
    return found


def unrouted(sql: str, *, dialect: str, distributed: set[str], entry_keys: set[tuple[str, str]]) -> list[str]:
    """Return the distributed tables of ``sql`` that are not pinned to one municipality."""
    statement = sqlglot.parse_one(sql, read=dialect)
    loose: list[str] = []
    targets: set[int] = set()  # an INSERT's own table: routed by the municipality among its values
    for insert in statement.find_all(exp.Insert):  # top level or in a WITH (PostgreSQL's one-statement save)
        target = insert.this
        table = target.this if isinstance(target, exp.Schema) else target
        targets.add(id(table))
        columns = {c.name for c in target.expressions} if isinstance(target, exp.Schema) else set()
        if table.name in distributed and MUNICIPALITY not in columns:
            loose.append(table.name)
    scopes = [s for s in statement.walk() if isinstance(s, exp.Select | exp.Update | exp.Delete)]
    for scope in scopes:
        tables = {
            t.alias_or_name: t.name
            for t in scope.find_all(exp.Table)
            if t.name in distributed
            and id(t) not in targets
            and t.find_ancestor(exp.Select, exp.Update, exp.Delete) is scope
        }
        if isinstance(scope, exp.Update | exp.Delete) and isinstance(scope.this, exp.Table):
            tables[scope.this.alias_or_name] = scope.this.name
        pinned: set[str] = set()
        equalities = [c for c in _conditions(scope) if isinstance(c, exp.EQ)]
        changed = True
        while changed:
            changed = False
            for eq in equalities:
                for a, b in ((eq.left, eq.right), (eq.right, eq.left)):
                    col = _column(a, tables)
                    if col is None or col[0] not in tables or col[0] in pinned:
                        continue
                    other = _column(b, tables)
                    by_value = col[1] == MUNICIPALITY and _constant(b)
                    by_entry = (tables[col[0]], col[1]) in entry_keys and _constant(b)
                    # Equal to a pinned table's key, or to an outer query's (a correlated subquery;
                    # the outer table is checked in its own scope).
                    by_join = (
                        col[1] == MUNICIPALITY
                        and other is not None
                        and other[1] == MUNICIPALITY
                        and (other[0] in pinned or other[0] not in tables)
                    )
                    if by_value or by_entry or by_join:
                        pinned.add(col[0])
                        changed = True
        loose += [name for alias, name in tables.items() if alias not in pinned]
    return loose
