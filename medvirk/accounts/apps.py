from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "medvirk.accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, changed_from_to, field_labels
        from medvirk.orgs.models import Municipality, ServiceArea, UnitKind

        from .models import Role, SingleSignOn

        # The audit log says roles, kinds of unit and service areas by name.
        audit_values_register(key="role", describe=dict(Role.choices), actions=["role."])
        audit_values_register(key="kind", describe=dict(UnitKind.choices), actions=["unit.created"])
        # an edit stores [before, after] for each field it changed
        for key, labels in (("kind", dict(UnitKind.choices)), ("service_area", dict(ServiceArea.choices))):
            audit_values_register(key=key, describe=changed_from_to(labels), actions=["unit.updated"])
        for key in ("name", "region_code", "org_number", "unit_code"):
            audit_values_register(key=key, describe=changed_from_to({}), actions=["unit.updated"])
        audit_values_register(
            key="changed",
            describe=field_labels(Municipality) | {"logo": _("logo")},
            actions=["municipality."],
        )
        audit_values_register(
            key="changed",
            describe=field_labels(SingleSignOn)
            | {
                "issuer": _("provider's address (issuer)"),
                "client_id": _("client ID"),
                "client_secret": _("client secret"),
            },
            actions=["sso."],
        )
        _declare_allauth()
        _register_rotations()
        for key in ("from", "to"):  # a move stores the old and new parent's ids
            audit_values_register(key=key, describe=lambda value: None, actions=["unit.moved"])


def _register_rotations() -> None:
    """``manage.py rotate_keys`` re-encrypts the secrets kept in django-allauth's tables too."""
    from medvirk.core.crypto import register_rotation

    from .encryption_services import authenticator_secrets_rotate, sso_secrets_rotate

    register_rotation("socialaccount.socialapp.secret", sso_secrets_rotate)
    register_rotation("mfa.authenticator.data", authenticator_secrets_rotate)


def _declare_allauth() -> None:
    """What django-allauth's tables (staff single sign-on, ``accounts.sso``) hold, for the record."""
    from medvirk.core.dataprotection import BASIS_EMPLOYMENT, NO_PERSONAL_DATA, PersonalData, declare_external

    declare_external("socialaccount.socialapp", NO_PERSONAL_DATA)  # a municipality's provider settings
    # What the tables of a staff member's login share.
    staff_login = partial(
        PersonalData,
        subjects=_("staff"),
        purpose=_("recognise a staff member who logs in with the municipality's single sign-on"),
        retention=_("as long as the account exists"),
        seen_by=_("nobody (only the login reads it)"),
        legal_basis=BASIS_EMPLOYMENT,
    )
    declare_external(
        "socialaccount.socialaccount",
        staff_login(
            table=_("single sign-on links"),
            data=_(
                "the identity provider's identifier of a staff member, the claims it sent at the last "
                "login (name, e-mail address, sign-in name), when they last logged in"
            ),
        ),
    )
    declare_external(
        "account.emailaddress",
        staff_login(
            table=_("staff e-mail addresses from single sign-on"),
            data=_("a staff member's e-mail address as the identity provider sent it"),
        ),
    )
    declare_external(
        "mfa.authenticator",
        staff_login(
            table=_("second factors of staff"),
            data=_(
                "the secret of a staff member's authenticator app and their recovery codes, when last used"
            ),
            purpose=_("a second factor when administrators log in with a password"),
            legal_basis=_("GDPR art. 32 (security of processing)"),
        ),
    )
    # Medvirk keeps no tokens of the provider (SOCIALACCOUNT_STORE_TOKENS = False) and sends no
    # e-mail confirmations (ACCOUNT_EMAIL_VERIFICATION = "none"): these tables stay empty.
    declare_external("socialaccount.socialtoken", NO_PERSONAL_DATA)
    declare_external("account.emailconfirmation", NO_PERSONAL_DATA)
