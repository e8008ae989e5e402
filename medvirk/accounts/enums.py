"""Checked vocabulary of ``accounts``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class AccountsErrorCode(ErrorCode):
    """Codes of the errors ``accounts``' services raise (roles, users, tokens, the unit tree)."""

    IMPORT_INVALID = "import_invalid"
    INVITATION_SPENT = "invitation_spent"
    KIND_INVALID = "kind_invalid"
    LAST_ADMIN_ROLE = "last_admin_role"
    NAME_REQUIRED = "name_required"
    NAME_TAKEN = "name_taken"
    NO_MUNICIPALITY = "no_municipality"
    ORG_NUMBER_INVALID = "org_number_invalid"
    UNIT_CODE_TAKEN = "unit_code_taken"
    PARENT_INVALID = "parent_invalid"
    PARENT_IN_SUBTREE = "parent_in_subtree"
    RETENTION_INVALID = "retention_invalid"
    PASSWORD_WEAK = "password_weak"  # noqa: S105 — an error code, not a password
    ROLE_INVALID = "role_invalid"
    ROOT_IMMOVABLE = "root_immovable"
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
    EMAIL_REQUIRED = "email_required"
    EMAIL_INVALID = "email_invalid"
    MUNICIPALITY_TAKEN = "municipality_taken"
    MUNICIPALITY_CODE_INVALID = "municipality_code_invalid"
    USER_INVALID = "user_invalid"


class BrandingErrorCode(ErrorCode):
    """Why a municipality's public face was not changed (the API returns it as ``code``)."""

    FORBIDDEN = "branding_forbidden"
    COLOUR_INVALID = "colour_invalid"
    COLOUR_CONTRAST = "colour_contrast"
    LOGO_TYPE = "logo_type"
    LOGO_SIZE = "logo_size"
    STATEMENT_URL = "statement_url"


class SsoErrorCode(ErrorCode):
    """Why a municipality's single sign-on settings were not saved."""

    FORBIDDEN = "sso_forbidden"
    CLAIM_INVALID = "sso_claim_invalid"
    CLIENT_REQUIRED = "sso_client_required"
    SECRET_REQUIRED = "sso_secret_required"  # noqa: S105 — an error code, not a secret
    ISSUER_INVALID = "sso_issuer_invalid"
    ISSUER_UNREACHABLE = "sso_issuer_unreachable"
    ISSUER_MISMATCH = "sso_issuer_mismatch"
    LOCKOUT = "sso_lockout"


class AccountsAuditAction(AuditAction):
    """What ``accounts`` writes to the audit log; the label is what the audit page shows."""

    MUNICIPALITY_BRANDING_UPDATED = (
        "municipality.branding_updated",
        _("Public pages' name, logo, colour or statements changed"),
    )
    ROLE_GRANTED = "role.granted", _("Role granted")
    UNIT_CREATED = "unit.created", _("Unit created")
    UNIT_MOVED = "unit.moved", _("Unit moved")
    UNIT_REOPENED = "unit.reopened", _("Closed unit reopened")
    UNIT_UPDATED = "unit.updated", _("Unit updated")
    ORG_TREE_IMPORTED = "unit.tree_imported", _("Organisation imported from a file")
    ROLE_REVOKED = "role.revoked", _("Role revoked")
    TOKEN_CREATED = "token.created", _("API token created")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    USER_CREATED = "user.created", _("Staff user created")
    USER_INVITED = "user.invited", _("Staff user invited by e-mail")
    INVITATION_REVOKED = "user.invitation_revoked", _("Invitation withdrawn and account deactivated")
    RETENTION_CHANGED = "municipality.retention_changed", _("Retention periods of personal data changed")
    SSO_CHANGED = "sso.changed", _("Single sign-on settings changed")
    IDPORTEN_CHANGED = "idporten.changed", _("ID-porten settings changed")
    TWO_FACTOR_ENABLED = "user.two_factor_enabled", _("Second factor (authenticator app) set up")
    SSO_USER_CREATED = "sso.user_created", _("Staff user created at a first single sign-on (no roles)")
    PERSONAL_DATA_PURGED = "municipality.personal_data_purged", _("Personal data past its retention deleted")
