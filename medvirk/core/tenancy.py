"""Where each table goes when a national installation is distributed by municipality (Citus).

Every tenant-owned table carries the municipality key (``core.models.TenantModel``) and is
distributed on it. This module names the exceptions, so the plan in docs/scaling.md is checked in
code rather than only written down:

- ``PLACEMENT``: tables that are *not* distributed by municipality, with where they go instead and why;
- ``ENTRY_KEYS``: the few unique keys by which a request reaches a tenant's rows before it knows
  the tenant (a poster's link, a paper code, a token), with how that request finds its shard;
- ``BEFORE_CITUS``: what must change in a table before the move, so the list stays visible.

``tests/test_tenancy.py`` fails when a model or a unique key is in none of these, and
``manage.py citus_plan`` prints the statements of the move from the models. Labels are strings
(``app_label.Model``): core sits below the apps and imports none of them.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import F, Q


class Placement(StrEnum):
    """Where a table lives in a Citus cluster."""

    DISTRIBUTED = "distributed"  # sharded by municipality_id, co-located with every other such table
    REFERENCE = "reference"  # a full copy on every node: small, read by queries on every shard
    COORDINATOR = "coordinator"  # stays on the coordinator only: never joined with tenant data


# Models that are not distributed by municipality. Every other Medvirk model has a non-null
# municipality key and is distributed on it.
PLACEMENT: dict[str, tuple[Placement, str]] = {
    "orgs.Municipality": (
        Placement.REFERENCE,
        "the tenants themselves (about 360 rows), joined by every query that names its municipality",
    ),
    "accounts.User": (
        Placement.REFERENCE,
        "sign-in finds a user by username before the municipality is known; a few hundred staff "
        "per municipality, rarely written, so a copy on every node is cheap",
    ),
    "accounts.ApiToken": (
        Placement.REFERENCE,
        "an API request finds its token by hash before the municipality is known; few rows",
    ),
    "accounts.User_groups": (
        Placement.REFERENCE,
        "Django's group links of a user (Medvirk's roles are RoleAssignment); follows accounts.User",
    ),
    "accounts.User_user_permissions": (
        Placement.REFERENCE,
        "Django's permission links of a user (unused by Medvirk); follows accounts.User",
    ),
    "accounts.SingleSignOn": (
        Placement.REFERENCE,
        "the login page lists every municipality's single sign-on and a login finds its row by the "
        "provider before the municipality is known; one row per municipality",
    ),
    "accounts.IdPorten": (
        Placement.REFERENCE,
        "a citizen's ID-porten login finds its row by the provider before the municipality is known, "
        "and the installation's own row belongs to no municipality; a handful of rows",
    ),
    "accounts.LoginFailure": (
        Placement.COORDINATOR,
        "throttles password guessing before anyone's municipality is known; rows live minutes",
    ),
}

# Unique keys that open a tenant's rows without naming the tenant, and how each request is routed.
ENTRY_KEYS: dict[str, str] = {
    "orgs.Municipality.code": "reference table: unique on every node",
    "orgs.Municipality.slug": "reference table: unique on every node",
    "accounts.User.username": "reference table: unique on every node",
    "accounts.ApiToken.key_hash": "reference table: unique on every node",
    "accounts.SingleSignOn.municipality": "reference table: unique on every node",
    "accounts.SingleSignOn.app": "reference table: unique on every node",
    "accounts.IdPorten.municipality": "reference table: unique on every node",
    "accounts.IdPorten.app": "reference table: unique on every node",
    "surveys.SurveyUnit.link_key": (
        "a poster's public link; routed through the entry-key table (docs/scaling.md), "
        "then every query of the submission names the municipality"
    ),
    "surveys.AccessCode.code": "a single-use paper code typed on the code page; entry-key table",
    "surveys.Invitation.token_hash": "an e-mailed or texted link; entry-key table",
    "surveys.Response.resume_hash": "a respondent resuming a saved response; entry-key table",
    "feedback.ClientLink.token_hash": "a client's own link to rate a session; entry-key table",
}

# Changes a table needs before it can be distributed, kept here so they are not forgotten.
BEFORE_CITUS: dict[str, str] = {
    "core.AuditEvent": (
        "installation-wide events (an operator's, with no municipality) move to their own "
        "coordinator table: Citus refuses a NULL distribution column"
    ),
}


def co_located(*relations: str) -> Q:
    """Filter: each related row named (a required foreign key path) is in the row's municipality.

    A foreign key never crosses municipalities, so this changes no result; it names the
    municipality on every joined table, so a database distributed by municipality keeps the
    statement on one shard (docs/scaling.md, tests/test_routing.py). Only for required
    relations: on a nullable one it would drop the rows without a related row.
    """
    return Q(**{f"{relation}__municipality_id": F("municipality_id") for relation in relations})
